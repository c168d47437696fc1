/**
 * API validation errors arrive as `details.fields = {"params.fast": "...", "symbols.0": "..."}`.
 * A field shows the messages for its own path and for paths beneath it; whatever no rendered
 * field claims is listed above the form.
 */
export type FieldErrors = Record<string, string>;

export function errorAt(errors: FieldErrors, path: string): string | undefined {
  const found = Object.entries(errors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .map(([, message]) => message);
  return found.length ? [...new Set(found)].join('; ') : undefined;
}

/** Errors no rendered field shows: `paths` claim themselves and what lies beneath, `exact` only themselves. */
export function unclaimed(errors: FieldErrors, paths: string[], exact: string[] = []): Array<[string, string]> {
  return Object.entries(errors).filter(([key]) =>
    !exact.includes(key) && !paths.some((p) => key === p || key.startsWith(`${p}.`)));
}

/** Normalise server paths: pydantic may prefix with "body." and index lists ("symbols.0"). */
export function normaliseFieldErrors(fields: Record<string, string> | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(fields ?? {})) {
    const clean = key.replace(/^body\./, '');
    out[clean] = out[clean] ? `${out[clean]}; ${message}` : message;
  }
  return out;
}

/** The errors left once the field at `path` changes: its own and those beneath it are stale. */
export function withoutPath(errors: FieldErrors, path: string): FieldErrors {
  const kept = Object.entries(errors).filter(([key]) => key !== path && !key.startsWith(`${path}.`));
  return kept.length === Object.keys(errors).length ? errors : Object.fromEntries(kept);
}

/** The errors left without these exact keys (what lies beneath them stays). */
export function withoutKeys(errors: FieldErrors, keys: string[]): FieldErrors {
  if (!keys.some((k) => k in errors)) return errors;
  return Object.fromEntries(Object.entries(errors).filter(([key]) => !keys.includes(key)));
}

/** The error path each settings-draft key edits. */
export const SETTINGS_ERROR_PATHS: Record<string, string> = {
  symbols: 'symbols', timeframe: 'timeframe', start: 'start', end: 'end', cash: 'cash', feeModel: 'fees',
  feeRate: 'fees.rate', slippageModel: 'slippage', slippageValue: 'slippage.value', fractional: 'fractional',
  allowShort: 'allow_short', assetClass: 'asset_class',
};
