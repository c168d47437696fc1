/**
 * Cell counts as a user reads them: `done` counts only cells that ran (completed or failed), so a
 * cancelled walk-forward's bar stops where it stopped and says how many cells were cancelled.
 */
export interface CellCounts { cells_done: number; cells_total: number; cells_cancelled?: number | null }

export interface CellsText { ran: number; cancelled: number; total: number; short: string; long: string }

export function cellsText(c: CellCounts): CellsText {
  const ran = c.cells_done;
  const cancelled = c.cells_cancelled ?? 0;
  const total = c.cells_total;
  return {
    ran, cancelled, total,
    short: cancelled ? `${ran} ran · ${cancelled} cancelled` : `${ran}/${total}`,
    long: cancelled ? `${ran} of ${total} cells ran, ${cancelled} cancelled` : `${ran} of ${total} cells`,
  };
}
