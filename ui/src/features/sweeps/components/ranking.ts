import type { SweepResult } from '@/lib/api/types';
import { metricDef, readMetric } from '@/lib/metrics';

/** "desc" puts the best cells first for the metric (the smallest drawdown, the highest Sharpe), "asc" the worst; blanks last. */
export function rank(rows: SweepResult[], metric: string, order: 'asc' | 'desc'): SweepResult[] {
  const def = metricDef(metric);
  const sign = (order === 'desc') === def.higherIsBetter ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = readMetric(a.metrics, metric);
    const y = readMetric(b.metrics, metric);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return sign * (x - y);
  });
}
