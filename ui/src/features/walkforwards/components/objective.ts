/** The objective a fold's best cell is chosen by: the sweep heatmap's metrics, as the API names them. */
import { METRIC_DEFS, metricDef } from '@/lib/metrics';
import type { Direction, Objective } from '../api/types';

export const OBJECTIVES: Array<{ value: Objective; label: string; key: string }> = METRIC_DEFS
  .filter((d) => d.source !== 'benchmark_return_pct') // the same in every cell: the API refuses it
  .map((d) => ({ value: d.source as Objective, label: d.label, key: d.key }));

/** The UI's metric key for an API name (`total_return_pct` → `total_return`), for reading and formatting. */
export function objectiveKey(objective: string): string {
  return OBJECTIVES.find((o) => o.value === objective)?.key ?? objective;
}

/** Which way is better for the figure as the API reports it (drawdowns come positive: smaller is better). */
export function naturalDirection(objective: string): Direction {
  const key = objectiveKey(objective);
  if (key === 'max_drawdown') return 'min';
  return metricDef(key).higherIsBetter ? 'max' : 'min';
}
