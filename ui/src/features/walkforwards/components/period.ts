/**
 * Fold lengths as the API takes them: a number of bars (250) or a calendar period ("12M", "3M", "5D",
 * app/greta/periods.py), all of one kind. The form edits each as an amount and a unit.
 */
export type LengthUnit = 'bars' | 'D' | 'W' | 'M' | 'Y';

export const LENGTH_UNITS: Array<[LengthUnit, string]> = [
  ['bars', 'bars'], ['D', 'days'], ['W', 'weeks'], ['M', 'months'], ['Y', 'years'],
];

export interface LengthDraft { amount: string; unit: LengthUnit }

export type Length = number | string;

/** The body's value for a length: bars as a number, a period as "12M"; a blank optional one is undefined. */
export function lengthValue(draft: LengthDraft, { optional = false, allowZero = false } = {}):
  { value?: Length; error?: string } {
  const text = draft.amount.trim();
  if (!text) return optional ? {} : { error: 'required' };
  if (!/^\d+$/.test(text)) return { error: 'a whole number, e.g. 12' };
  const amount = Number(text);
  if (amount === 0 && !allowZero) return { error: 'at least 1' };
  if (amount === 0) return { value: 0 };
  return { value: draft.unit === 'bars' ? amount : `${amount}${draft.unit}` };
}

const NAMES: Record<string, [string, string]> = {
  D: ['day', 'days'], W: ['week', 'weeks'], M: ['month', 'months'], Y: ['year', 'years'],
};

/** "250 bars", "12 months", "1 year": a length as the fold spec stores it, read aloud. */
export function describeLength(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' || /^\s*\d+\s*$/.test(String(value))) {
    const n = Number(value);
    return `${n} bar${n === 1 ? '' : 's'}`;
  }
  const match = /^\s*(\d+)\s*([DWMY])\s*$/i.exec(String(value));
  if (!match) return String(value);
  const n = Number(match[1]);
  const [one, many] = NAMES[match[2]!.toUpperCase()]!;
  return `${n} ${n === 1 ? one : many}`;
}

/** Train, test and step must all be bars or all calendar periods, and a non-zero gap of the same kind. */
export function mixedKinds(lengths: { train?: Length; test?: Length; step?: Length; gap?: Length }): string | null {
  const calendar = (v: Length) => typeof v === 'string';
  const named = (['train', 'test', 'step'] as const).filter((k) => lengths[k] !== undefined);
  const kinds = new Set(named.map((k) => calendar(lengths[k]!)));
  if (kinds.size > 1) return 'give train, test and step all in bars or all as calendar periods';
  const gap = lengths.gap;
  if (gap !== undefined && gap !== 0 && kinds.size === 1 && kinds.has(!calendar(gap))) {
    return kinds.has(true) ? 'the folds are calendar periods: give the gap as a period too' : 'the folds are in bars: give the gap in bars';
  }
  return null;
}
