/**
 * Strategy parameter forms are generated from the strategy's JSON Schema. Inputs keep raw text
 * (what the user typed); `coerceParams` turns it into typed values and per-field messages.
 */
import type { JsonSchemaProperty, ParamValue, ParamsSchema } from '@/lib/api/types';

export type RawValue = string | boolean;
export type RawParams = Record<string, RawValue>;

export function properties(schema: ParamsSchema | undefined): Array<[string, JsonSchemaProperty]> {
  return Object.entries(schema?.properties ?? {});
}

export function isNumeric(prop: JsonSchemaProperty): boolean {
  return prop.type === 'integer' || prop.type === 'number';
}

export function defaultsFor(schema: ParamsSchema | undefined): RawParams {
  const out: RawParams = {};
  for (const [name, prop] of properties(schema)) {
    if (prop.type === 'boolean') out[name] = prop.default === true;
    else out[name] = prop.default === undefined || prop.default === null ? '' : String(prop.default);
  }
  return out;
}

export function rangeText(prop: JsonSchemaProperty): string | null {
  const lo = prop.minimum ?? prop.exclusiveMinimum;
  const hi = prop.maximum ?? prop.exclusiveMaximum;
  if (lo === undefined && hi === undefined) return null;
  const left = lo === undefined ? '' : `${lo}${prop.exclusiveMinimum !== undefined ? ' <' : ' ≤'} `;
  const right = hi === undefined ? '' : ` ${prop.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`;
  return `${left}x${right}`;
}

/** One value typed as the schema says, or a message saying why it can't be. */
export function coerceValue(prop: JsonSchemaProperty, raw: RawValue): { value?: ParamValue; error?: string } {
  if (prop.type === 'boolean') return { value: raw === true || raw === 'true' };
  const text = String(raw).trim();
  if (prop.enum) {
    const match = prop.enum.find((e) => String(e) === text);
    return match === undefined ? { error: `must be one of ${prop.enum.join(', ')}` } : { value: match };
  }
  if (!isNumeric(prop)) return { value: text };
  if (prop.type === 'integer' && !/^[+-]?\d+$/.test(text)) return { error: 'must be a whole number' };
  const n = Number(text);
  if (!Number.isFinite(n)) return { error: 'must be a number' };
  if (prop.minimum !== undefined && n < prop.minimum) return { error: `must be ≥ ${prop.minimum}` };
  if (prop.maximum !== undefined && n > prop.maximum) return { error: `must be ≤ ${prop.maximum}` };
  if (prop.exclusiveMinimum !== undefined && n <= prop.exclusiveMinimum) return { error: `must be > ${prop.exclusiveMinimum}` };
  if (prop.exclusiveMaximum !== undefined && n >= prop.exclusiveMaximum) return { error: `must be < ${prop.exclusiveMaximum}` };
  return { value: n };
}

/** Typed params (blank optional fields left out, so the server's default applies) and errors by `params.<name>`. */
export function coerceParams(schema: ParamsSchema | undefined, raw: RawParams, skip: string[] = []):
  { params: Record<string, ParamValue>; errors: Record<string, string> } {
  const params: Record<string, ParamValue> = {};
  const errors: Record<string, string> = {};
  const required = new Set(schema?.required ?? []);
  for (const [name, prop] of properties(schema)) {
    if (skip.includes(name)) continue;
    const value = raw[name];
    if (value === undefined || value === '') {
      if (required.has(name) && prop.default === undefined) errors[`params.${name}`] = 'required';
      continue;
    }
    const result = coerceValue(prop, value);
    if (result.error) errors[`params.${name}`] = result.error;
    else if (result.value !== undefined) params[name] = result.value;
  }
  return { params, errors };
}
