import type { SweepResult } from '@/lib/api/types';

/** Why no cell has the ranking figure (trial 34: the page blamed a short window for Sharpe on 1,303 daily bars,
 * where one cell never traded and the other failed): the reason a cell's run gives for withholding it, if any. */
export function noFigureReason(completed: SweepResult[], serverName: string): string {
  const given = completed.map((r) => r.metrics_unavailable?.[serverName as keyof typeof r.metrics_unavailable]).find(Boolean);
  return given ?? 'it is withheld in every cell that ran (no closed trade, or equity that never moved)';
}

/** "2 cells failed (at=50; at=60): <reason>" per distinct reason, as `weaver sweep` lists them. */
export function failedCellLines(rows: SweepResult[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const r of rows) {
    if (r.status !== 'failed') continue;
    const reason = r.error ?? 'no reason given';
    const cell = Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    byReason.set(reason, [...(byReason.get(reason) ?? []), cell]);
  }
  return [...byReason.entries()].map(([reason, cells]) => (cells.length === 1
    ? `Cell ${cells[0]} failed: ${reason}`
    : `${cells.length} cells failed (${cells.join('; ')}): ${reason}`));
}
