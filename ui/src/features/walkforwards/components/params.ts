import type { ParamValue } from '@/lib/api/types';

/** "fast=10, slow=40": chosen parameters as the grid names them (the swept ones first). */
export function describeParams(params: Record<string, ParamValue> | null | undefined, swept: string[] = []): string {
  if (!params) return '—';
  const names = [...swept.filter((n) => n in params), ...Object.keys(params).filter((n) => !swept.includes(n))];
  return names.map((n) => `${n}=${String(params[n])}`).join(', ');
}
