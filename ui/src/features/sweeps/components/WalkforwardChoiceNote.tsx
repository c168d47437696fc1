import { Link } from 'react-router-dom';
import type { SweepResult } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';
import { describeGridCell, whyNotBest, type SweepChoice } from './walkforwardChoice';

/** On a walk-forward's sweep: the cell the walk-forward chose (marked "chosen" in the table and the heatmap) and,
 *  when the page's best is another cell, why the walk-forward did not take it. */
export function WalkforwardChoiceNote({ choice, cells, best, metric, order, grid }: {
  choice: SweepChoice; cells: SweepResult[]; best: SweepResult | undefined; metric: string; order: 'asc' | 'desc';
  grid: string[];
}) {
  const chosen = cells.find((c) => c.run_id === choice.runId);
  if (!chosen) return null;
  const trades = readMetric(chosen.metrics, 'trades') ?? 0;
  const figure = `${metricDef(choice.objective).label} ${formatMetric(choice.objective, readMetric(chosen.metrics, choice.objective))}`;
  const reasons = best && best.run_id !== chosen.run_id ? whyNotBest(best, chosen, cells, metric, order, choice) : null;
  return (
    <p className="hint" data-testid="walkforward-choice" data-run-id={chosen.run_id} style={{ margin: '0 0 8px' }}>
      The walk-forward chose <span className="mono">{describeGridCell(chosen.params, grid)}</span> ({figure},{' '}
      {formatCount(trades)} trade{trades === 1 ? '' : 's'}), marked &ldquo;chosen&rdquo; below
      {reasons ? `. The best here is not its choice${reasons.length ? `: ${reasons.join('; ')}` : ''}.` : ': the best here too.'}
      {' '}<Link to={`/runs/${chosen.run_id}`} data-testid="open-chosen">Open the chosen cell</Link>
    </p>
  );
}
