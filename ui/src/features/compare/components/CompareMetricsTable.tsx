import type { Run } from '@/lib/api/types';
import { metricRows, type MetricsSource } from './metricRows';
import { RunColumnHead } from './RunColumnHead';

const BEST = { background: 'var(--bg-3)', fontWeight: 700 } as const;

/** The run page's metrics, one column per run; the best of a row (where there is one) bold and starred. */
export function CompareMetricsTable({ runs }: { runs: Run[] }) {
  const rows = metricRows(runs as Array<Run & MetricsSource>);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="compare-metrics">
        <caption className="sr-only">Metrics of each run; the best value of a row is marked best</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {runs.map((run, i) => <RunColumnHead key={run.id} run={run} index={i} />)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-testid="metric-row" data-metric={row.key}>
              <th scope="row" className="muted" style={{ position: 'static', fontWeight: 400 }}>{row.label}</th>
              {row.cells.map((cell, i) => (
                <td key={runs[i]?.id ?? i} className={`num ${cell.tone}`} data-testid="metric-cell"
                  data-run-id={runs[i]?.id} data-best={cell.best} style={cell.best ? BEST : undefined} title={cell.why}>
                  <span data-testid="metric-value" className={cell.why ? 'dim' : undefined}>{cell.text}</span>
                  {cell.best ? <><span aria-hidden="true" title="best"> ★</span><span className="sr-only"> (best)</span></> : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
