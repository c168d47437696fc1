import { formatCount } from '@/lib/format';
import { metricDef } from '@/lib/metrics';
import { objectiveKey } from './objective';

interface PassedOverCounts {
  passed_over_min_trades?: number;
  passed_over_better?: number;
}

/** "passed over 2 cells with fewer than 10 trades; 1 of them had a better Sharpe", or null when the minimum
 *  left no cell out. The fold's sweep ranks every cell, so its best can be one of those the walk-forward did
 *  not take. */
export function passedOverText(counts: PassedOverCounts, minTrades: number, objective: string): string | null {
  const cells = counts.passed_over_min_trades ?? 0;
  if (!cells) return null;
  const better = counts.passed_over_better ?? 0;
  const head = `passed over ${formatCount(cells)} cell${cells === 1 ? '' : 's'} with fewer than ${formatCount(minTrades)} trades`;
  if (!better) return head;
  const which = cells === 1 ? 'it' : better === cells ? `all ${formatCount(cells)}` : `${formatCount(better)} of them`;
  return `${head}; ${which} had a better ${metricDef(objectiveKey(objective)).label}`;
}

/** Under a fold's chosen parameters: the cells its minimum of trades left out, if any. */
export function PassedOver({ counts, minTrades, objective }: { counts: PassedOverCounts; minTrades: number; objective: string }) {
  const text = passedOverText(counts, minTrades, objective);
  if (!text) return null;
  const label = metricDef(objectiveKey(objective)).label;
  return (
    <div className="dim" data-testid="fold-passed-over" style={{ whiteSpace: 'normal' }}
      title={`Only cells with at least ${formatCount(minTrades)} trades are chosen from: the fold's sweep, which ranks every cell, can show a best ${label} the walk-forward did not take.`}>
      {text}
    </div>
  );
}
