/**
 * A parameter grid as sweeps and walk-forwards edit it: values typed as a list ("5, 10, 20") or a range
 * ("5:50:5", inclusive), checked against the schema, and the small grid a new form proposes.
 */
import type { JsonSchemaProperty, ParamValue, Strategy } from '@/lib/api/types';
import type { FieldErrors } from './errors';
import { coerceValue, isNumeric, properties } from './schema';

export function parseGridValues(prop: JsonSchemaProperty, text: string): { values: ParamValue[]; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return { values: [], error: 'give at least one value' };
  let tokens: string[];
  const range = /^(-?[\d.]+)\s*:\s*(-?[\d.]+)(?:\s*:\s*(-?[\d.]+))?$/.exec(trimmed);
  if (range && (prop.type === 'integer' || prop.type === 'number')) {
    const start = Number(range[1]);
    const stop = Number(range[2]);
    const step = Number(range[3] ?? 1);
    if (!(step > 0)) return { values: [], error: 'the step must be positive' };
    if (stop < start) return { values: [], error: 'the range must go up (start:stop:step)' };
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > 500) return { values: [], error: `that range has ${count} values; 500 at most` };
    const decimals = Math.max(...[range[1], range[3] ?? '1'].map((s) => (s?.split('.')[1] ?? '').length));
    tokens = Array.from({ length: count }, (_, i) => (start + i * step).toFixed(decimals));
  } else {
    tokens = trimmed.split(/[\s,;]+/).filter(Boolean);
  }
  const values: ParamValue[] = [];
  for (const token of tokens) {
    const result = coerceValue(prop, prop.type === 'boolean' ? token === 'true' : token);
    if (result.error) return { values: [], error: `${token}: ${result.error}` };
    if (result.value !== undefined && !values.includes(result.value)) values.push(result.value);
  }
  return { values };
}

export function cellCount(grid: Record<string, ParamValue[]>): number {
  const lists = Object.values(grid);
  return lists.length ? lists.reduce((n, l) => n * Math.max(1, l.length), 1) : 0;
}

/**
 * Suggest a small grid: the strategy's declared sweep values (schema "x-sweep", chosen so every cell passes
 * its cross-checks, e.g. sma_cross's fast < slow), else "5, 10, 20" style values around the default.
 */
export function suggestion(name: string, strategy: Strategy | undefined): string {
  const prop = strategy?.params_schema.properties?.[name];
  if (!prop) return '';
  if (prop['x-sweep']?.length) return prop['x-sweep'].map(String).join(', ');
  if (prop.type === 'boolean') return 'true, false';
  if (prop.enum) return prop.enum.join(', ');
  const d = typeof prop.default === 'number' ? prop.default : prop.minimum ?? 1;
  const values = prop.type === 'integer' ? [Math.round(d / 2), d, d * 2] : [d / 2, d, d * 2];
  return [...new Set(values.filter((v) => (prop.minimum === undefined || v >= prop.minimum)
    && (prop.maximum === undefined || v <= prop.maximum)))].join(', ');
}

/** The grid with `param` swept (at its suggested values) if it was fixed, or fixed if it was swept. */
export function toggleGridParam(grid: Record<string, string>, param: string, strategy: Strategy | undefined):
  Record<string, string> {
  const next = { ...grid };
  if (param in next) delete next[param];
  else next[param] = suggestion(param, strategy);
  return next;
}

/** Start with two numeric parameters swept over three values each. */
export function initialGrid(strategy: Strategy | undefined): Record<string, string> {
  const props = properties(strategy?.params_schema);
  // integer parameters (windows, periods) first: they are what people sweep
  const numeric = [...props.filter(([, p]) => p.type === 'integer'), ...props.filter(([, p]) => p.type === 'number')]
    .filter(([, p]) => isNumeric(p)).slice(0, 2).map(([n]) => n);
  return Object.fromEntries(numeric.map((n) => [n, suggestion(n, strategy)]));
}

/** Every swept parameter's values, and an error under `grid.<param>` for each that does not parse. */
export function parseGrid(grid: Record<string, string>, strategy: Strategy | undefined):
  { values: Record<string, ParamValue[]>; errors: FieldErrors } {
  const values: Record<string, ParamValue[]> = {};
  const errors: FieldErrors = {};
  for (const [param, text] of Object.entries(grid)) {
    const prop = strategy?.params_schema.properties?.[param];
    if (!prop) continue;
    const result = parseGridValues(prop, text);
    if (result.error) errors[`grid.${param}`] = result.error;
    values[param] = result.values;
  }
  return { values, errors };
}
