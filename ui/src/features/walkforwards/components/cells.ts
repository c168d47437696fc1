import { formatCount } from '@/lib/format';

/**
 * Cell counts as a user reads them: `done` counts only cells that ran (completed or failed), so a
 * cancelled walk-forward's bar stops where it stopped and says how many cells were cancelled.
 */
export interface CellCounts { cells_done: number; cells_total: number; cells_cancelled?: number | null }

export interface CellsText { ran: number; cancelled: number; total: number; short: string; long: string }

/** `noun`: what is counted; a walk-forward's totals count its out-of-sample and hindsight runs beside its
 *  cells, so its header says "backtests" (trial 14 read "40 of 40 cells" for 32 cells and 8 runs). */
export function cellsText(c: CellCounts, noun = 'cells'): CellsText {
  const ran = c.cells_done;
  const cancelled = c.cells_cancelled ?? 0;
  const total = c.cells_total;
  const [r, c2, t] = [ran, cancelled, total].map(formatCount); // 6,761 as the CLI writes it (trial 31)
  return {
    ran, cancelled, total,
    short: cancelled ? `${r} ran · ${c2} cancelled` : `${r}/${t}`,
    long: cancelled ? `${r} of ${t} ${noun} ran, ${c2} cancelled` : `${r} of ${t} ${noun}`,
  };
}
