/** Grid values typed as a list ("5, 10, 20") or a range ("5:50:5", inclusive), checked against the schema. */
import { coerceValue } from '@/components/form/schema';
import type { JsonSchemaProperty, ParamValue } from '@/lib/api/types';

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
