import type { Sweep } from '@/lib/api/types';

/** "23 done, 2 skipped of 25": every cell the grid promised, so a skipped one is never silently missing; a cancelled
 * sweep's cells that never ran are counted too (trial 26 read "36 done of 957" and nothing of the 921 cancelled). */
export function progressText(s: Pick<Sweep, 'done' | 'failed' | 'total' | 'skipped'> & { cancelled?: number }): string {
  const skipped = s.skipped?.length ?? 0;
  const parts = [`${s.done} done`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.cancelled) parts.push(`${s.cancelled} cancelled`);
  if (skipped) parts.push(`${skipped} skipped`);
  return `${parts.join(', ')} of ${s.total + skipped}`;
}
