import type { Sweep } from '@/lib/api/types';

/** "23 done, 2 skipped of 25": every cell the grid promised, so a skipped one is never silently missing. */
export function progressText(s: Pick<Sweep, 'done' | 'failed' | 'total' | 'skipped'>): string {
  const skipped = s.skipped?.length ?? 0;
  const parts = [`${s.done} done`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (skipped) parts.push(`${skipped} skipped`);
  return `${parts.join(', ')} of ${s.total + skipped}`;
}
