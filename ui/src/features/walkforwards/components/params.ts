import type { ParamValue } from '@/lib/api/types';

/** "fast=10, slow=40": the swept parameters of a chosen cell (the fixed ones are the same in every cell). */
export function describeParams(params: Record<string, ParamValue> | null | undefined, swept: string[]): string {
  if (!params) return '—';
  const names = swept.length ? swept.filter((n) => n in params) : Object.keys(params);
  return names.map((n) => `${n}=${String(params[n])}`).join(', ');
}

/** The grid's parameters with more than one value. */
export function sweptParams(grid: Record<string, ParamValue[]>): string[] {
  return Object.entries(grid).filter(([, v]) => v.length > 1).map(([k]) => k);
}
