import type { ParamValue, SweepResult } from '@/lib/api/types';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';

/** Low → high: red, slate, green (flipped for metrics where lower is better); every shade keeps the
 *  cell's white figure at 4.5:1 or more (WCAG AA). */
export function heatColor(t: number, higherIsBetter: boolean): string {
  const x = Math.max(0, Math.min(1, higherIsBetter ? t : 1 - t));
  const lerp = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
  const [r, g, b] = x < 0.5
    ? [lerp(150, 44, x * 2), lerp(40, 55, x * 2), lerp(40, 69, x * 2)]
    : [lerp(44, 20, (x - 0.5) * 2), lerp(55, 118, (x - 0.5) * 2), lerp(69, 70, (x - 0.5) * 2)];
  return `rgb(${r}, ${g}, ${b})`;
}

const key = (v: ParamValue) => JSON.stringify(v);

export function Heatmap({ results, xParam, yParam, xValues, yValues, metric, onOpen }: {
  results: SweepResult[]; xParam: string; yParam: string; xValues: ParamValue[]; yValues: ParamValue[];
  metric: string; onOpen: (runId: string) => void;
}) {
  const spec = metricDef(metric);
  const cells = new Map<string, SweepResult>();
  for (const r of results) cells.set(`${key(r.params[xParam] ?? null)}|${key(r.params[yParam] ?? null)}`, r);
  const values = results.map((r) => readMetric(r.metrics, metric)).filter((v): v is number => v !== null);
  const min = Math.min(...values);
  const max = Math.max(...values);
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
                const cell = cells.get(`${key(x)}|${key(y)}`);
                const v = cell ? readMetric(cell.metrics, metric) : null;
                if (!cell || v === null) {
                  return (
                    <td key={key(x)} className="empty-cell" data-testid="heatmap-cell" data-status={cell?.status ?? 'none'}
                      onClick={cell ? () => onOpen(cell.run_id) : undefined}
                      title={cell ? `${cell.status}` : 'no run for this cell'}>
                      {cell ? (cell.status === 'completed' ? '—' : cell.status.slice(0, 4)) : ''}
                    </td>
                  );
                }
                const t = max > min ? (v - min) / (max - min) : 0.5;
                return (
                  <td key={key(x)} style={{ background: heatColor(t, spec.higherIsBetter) }} data-testid="heatmap-cell"
                    data-status={cell.status} data-run-id={cell.run_id} onClick={() => onOpen(cell.run_id)}
                    title={`${xParam}=${String(x)} ${yParam}=${String(y)} · ${spec.label} ${formatMetric(metric, v)} · open the run`}>
                    {formatMetric(metric, v)}
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
