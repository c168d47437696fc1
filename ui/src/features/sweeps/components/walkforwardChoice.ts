/**
 * A walk-forward's sweep (a fold's train window, or the whole window for contrast) and the cell the
 * walk-forward chose from it: the page ranks every cell by any figure, the walk-forward by its objective
 * among the cells with at least its minimum of trades, so the page's best need not be the cell chosen.
 */
import type { ParamValue, SweepResult } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import { METRIC_DEFS, metricDef, readMetric } from '@/lib/metrics';
import type { WalkforwardOfSweep } from '../api/walkforwardOfSweep';

export interface SweepChoice {
  runId: string;
  /** The objective as a UI metric key (`total_return`). */
  objective: string;
  /** The walk-forward took the objective's better end (the highest Sharpe, the shallowest drawdown), not its worse. */
  bestFirst: boolean;
  minTrades: number;
  /** Eligible cells that shared the chosen figure: above 1, grid order chose. */
  tied: number;
}

/** The choice the walk-forward made from its fold `fold`'s sweep (null: the contrast's), or null before it chose. */
export function choiceFor(wf: WalkforwardOfSweep | undefined, fold: number | null): SweepChoice | null {
  if (!wf) return null;
  const source = fold === null ? wf.contrast : wf.folds.find((f) => f.index === fold);
  if (!source?.chosen_run_id) return null;
  const def = METRIC_DEFS.find((d) => d.source === wf.objective) ?? metricDef(wf.objective);
  // The API's direction is on its own figure; readMetric turns a drawdown's positive percent negative.
  const higherShown = (wf.direction === 'max') !== (def.key === 'max_drawdown');
  return {
    runId: source.chosen_run_id, objective: def.key, bestFirst: higherShown === def.higherIsBetter,
    minTrades: wf.min_trades, tied: source.tied ?? 1,
  };
}

/** "fast=10, slow=40": the cell's grid parameters (the fixed ones are the same in every cell). */
export function describeGridCell(params: Record<string, ParamValue>, grid: string[]): string {
  return grid.filter((name) => name in params).map((name) => `${name}=${String(params[name])}`).join(', ');
}

const tradesOf = (cell: SweepResult) => readMetric(cell.metrics, 'trades') ?? 0;  // none: it made none (as the API reads it)

/** Whether `value` is better than `than` as the walk-forward ranks its objective. */
function beats(value: number | null, than: number | null, choice: SweepChoice): boolean {
  if (value === null || than === null) return false;
  const higher = metricDef(choice.objective).higherIsBetter === choice.bestFirst;
  return higher ? value > than : value < than;
}

/** Why the page's best (by `metric`, `order`) is not the walk-forward's choice, as clauses of a sentence whose
 *  subject is the walk-forward: "it ranks by Return, not Sharpe", "it takes only cells with at least 10 trades,
 *  and 2 with a better Sharpe made fewer (the best here made 6)", "3 cells share its best Sharpe and it takes the
 *  first in grid order". */
export function whyNotBest(best: SweepResult, chosen: SweepResult, cells: SweepResult[], metric: string,
  order: 'asc' | 'desc', choice: SweepChoice): string[] {
  const label = metricDef(choice.objective).label;
  const reasons: string[] = [];
  if (metric !== choice.objective) {
    reasons.push(`it ranks by ${label}, not ${metricDef(metric).label}`);
  } else if ((order === 'desc') !== choice.bestFirst) {
    reasons.push(`it took the ${choice.bestFirst ? 'best' : 'worst'} ${label} and this list is ${order === 'desc' ? 'best' : 'worst'} first`);
  }
  const chosenValue = readMetric(chosen.metrics, choice.objective);
  const thin = cells.filter((c) => c.status === 'completed' && tradesOf(c) < choice.minTrades
    && beats(readMetric(c.metrics, choice.objective), chosenValue, choice));
  if (thin.length) {
    const own = tradesOf(best) < choice.minTrades ? ` (the best here made ${formatCount(tradesOf(best))})` : '';
    reasons.push(`it takes only cells with at least ${formatCount(choice.minTrades)} trades, and ${formatCount(thin.length)} `
      + `with a better ${label} made fewer${own}`);
  }
  if (choice.tied > 1 && metric === choice.objective && readMetric(best.metrics, metric) === chosenValue) {
    reasons.push(`${formatCount(choice.tied)} cells share its best ${label} and it takes the first in grid order`);
  }
  return reasons;
}
