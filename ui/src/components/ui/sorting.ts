import { compare as compareDecimal, isDecimal } from '@/lib/decimal';

export type SortValue = string | number | boolean | null | undefined;
export type SortDir = 'asc' | 'desc';

/** Compare two cell values: decimal strings exactly, numbers numerically, text naturally; blanks last. */
export function compareValues(a: SortValue, b: SortValue, dir: SortDir): number {
  const blankA = a === null || a === undefined || a === '' || (typeof a === 'number' && Number.isNaN(a));
  const blankB = b === null || b === undefined || b === '' || (typeof b === 'number' && Number.isNaN(b));
  if (blankA || blankB) return blankA === blankB ? 0 : blankA ? 1 : -1;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else if (typeof a === 'string' && typeof b === 'string' && isDecimal(a) && isDecimal(b)) c = compareDecimal(a, b);
  else c = String(a).localeCompare(String(b), undefined, { numeric: true });
  return dir === 'asc' ? c : -c;
}
