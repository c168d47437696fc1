import type { ParamValue, SkippedCell, SweepResult } from '@/lib/api/types';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';
import { heatCentre, heatColor, heatPosition } from './heatColor';
import { describeCell } from '@/components/form/SkippedCells';

const key = (v: ParamValue) => JSON.stringify(v);

/** Only a completed cell's figure is final: a running cell's partial metric is neither painted nor
 *  allowed to stretch the scale (a negative Sharpe must not look green because it is the best so far). */
export const isFinal = (r: SweepResult) => r.status === 'completed';

/** `chosenRunId`: on a walk-forward's sweep, the cell it chose, outlined and named in its tooltip. */
export function Heatmap({ results, xParam, yParam, xValues, yValues, metric, onOpen, skipped = [], chosenRunId }: {
  results: SweepResult[]; xParam: string; yParam: string; xValues: ParamValue[]; yValues: ParamValue[];
  metric: string; onOpen: (runId: string) => void; skipped?: SkippedCell[]; chosenRunId?: string;
}) {
  const spec = metricDef(metric);
  const at = (x: ParamValue | undefined, y: ParamValue | undefined) => `${key(x ?? null)}|${key(y ?? null)}`;
  const cells = new Map<string, SweepResult>();
  for (const r of results) cells.set(at(r.params[xParam], r.params[yParam]), r);
  const skips = new Map<string, SkippedCell>();
  for (const c of skipped) skips.set(at(c.params[xParam], c.params[yParam]), c);
  const values = results.filter(isFinal).map((r) => readMetric(r.metrics, metric)).filter((v): v is number => v !== null);
  const centre = heatCentre(spec);
  return (
    <div className="table-wrap" data-testid="heatmap">
      <table className="heatmap">
        <thead>
          <tr>
            <th className="dim">{yParam} ↓ · {xParam} →</th>
            {xValues.map((x) => <th key={key(x)}>{String(x)}</th>)}
          </tr>
        </thead>
        <tbody>
          {yValues.map((y) => (
            <tr key={key(y)}>
              <th>{String(y)}</th>
              {xValues.map((x) => {
                const cell = cells.get(at(x, y));
                const v = cell && isFinal(cell) ? readMetric(cell.metrics, metric) : null;
                const skip = cell ? undefined : skips.get(at(x, y));
                if (skip) {
                  return (
                    <td key={key(x)} className="empty-cell" data-testid="heatmap-cell" data-status="skipped"
                      title={`skipped: ${describeCell(skip.params)} — ${skip.reason}`}>skip</td>
                  );
                }
                if (cell && !isFinal(cell) && cell.status !== 'failed' && cell.status !== 'cancelled') {
                  return (
                    <td key={key(x)} className="pending-cell" data-testid="heatmap-cell" data-status={cell.status}
                      data-run-id={cell.run_id} onClick={() => onOpen(cell.run_id)}
                      title={`${xParam}=${String(x)} ${yParam}=${String(y)} · ${cell.status}, no final figure yet · open the run`}>
                      {cell.status}
                    </td>
                  );
                }
                if (!cell || v === null) {
                  return (
                    <td key={key(x)} className="empty-cell" data-testid="heatmap-cell" data-status={cell?.status ?? 'none'}
                      onClick={cell ? () => onOpen(cell.run_id) : undefined}
                      title={cell ? `${cell.status}` : 'no run for this cell'}>
                      {cell ? (cell.status === 'completed' ? '—' : cell.status.slice(0, 4)) : ''}
                    </td>
                  );
                }
                const t = heatPosition(v, values, centre);
                const chosen = cell.run_id === chosenRunId;
                return (
                  <td key={key(x)} style={{ background: heatColor(t, spec.higherIsBetter),
                    ...(chosen ? { outline: '2px solid var(--text)', outlineOffset: -2 } : {}) }} data-testid="heatmap-cell"
                    data-status={cell.status} data-run-id={cell.run_id} data-chosen={chosen || undefined} onClick={() => onOpen(cell.run_id)}
                    title={`${xParam}=${String(x)} ${yParam}=${String(y)} · ${spec.label} ${formatMetric(metric, v)}${chosen ? " · the walk-forward's choice" : ''} · open the run`}>
                    {formatMetric(metric, v)}{chosen ? <span className="sr-only"> (chosen)</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
