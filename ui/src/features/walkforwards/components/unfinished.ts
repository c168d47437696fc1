import type { Walkforward } from '../api/types';

/** A walk-forward that ended (cancelled or failed) before every fold's out-of-sample run finished: the
 * folds (numbered from 1, as the page shows them) with no finished run. Empty while it works or when complete. */
export function foldsLeftUnfinished(wf: Walkforward): number[] {
  if (wf.status !== 'cancelled' && wf.status !== 'failed') return [];
  return wf.folds.filter((f) => !f.reason && f.oos_status !== 'completed').map((f) => f.index + 1);
}

/** "fold 5", "folds 5 and 7", "folds 5, 7 and 9". */
export function foldList(folds: number[]): string {
  if (folds.length === 1) return `fold ${folds[0]}`;
  return `folds ${folds.slice(0, -1).join(', ')} and ${folds[folds.length - 1]}`;
}

/** Folds whose out-of-sample run completed: what the stitched curve chains. */
export function foldsFinished(wf: Walkforward): number {
  return wf.folds.filter((f) => f.oos_status === 'completed').length;
}

/** When an ended walk-forward stopped, said of one with no finished out-of-sample run: "before any fold had an
 *  out-of-sample run", or, once some were queued (and cancelled or failed), "before any fold's out-of-sample run
 *  had finished". */
export function beforeAnyFinished(wf: Walkforward): string {
  return wf.folds.some((f) => f.oos_run_id) ? "before any fold's out-of-sample run had finished"
    : 'before any fold had an out-of-sample run';
}
