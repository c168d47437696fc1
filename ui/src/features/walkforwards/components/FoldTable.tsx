import { Link } from 'react-router-dom';
import { StatusBadge } from '@/components/ui/Badges';
import { Time } from '@/components/ui/Time';
import { formatNumber, tone } from '@/lib/format';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';
import { barTimeStyle } from '@/lib/time/barTime';
import type { Fold, Walkforward } from '../api/types';
import { CellsProgress } from './CellsProgress';
import { objectiveKey } from './objective';
import { PassedOver } from './PassedOver';
import { describeParams, sweptParams } from './params';

// the fold number stays in view when a narrow window scrolls the table sideways
const STICKY = { position: 'sticky', left: 0, background: 'var(--bg-2)' } as const;
// The links stay in view at the right edge when the table is wider than the page (trial 30: at 1280 px they
// were cut to "sw/OO/hin" until one scrolled sideways).
const STICKY_RIGHT = { position: 'sticky', right: 0, background: 'var(--bg-2)', boxShadow: '-6px 0 6px -6px #000' } as const;
const LINK = { padding: '2px 0' } as const;

/**
 * Per fold (numbered from 1, as the CLI and the fold sweeps' names do): its windows, its sweep's
 * progress, the cell it chose (in sample) and how that cell did out of sample, fees included (the
 * stitched curve's total below them). The chosen cell and its out-of-sample run show as soon as the
 * fold's sweep has finished, while other folds still optimise.
 */
export function FoldTable({ wf, timeframe }: { wf: Walkforward; timeframe: string }) {
  const style = barTimeStyle(timeframe);
  const objective = objectiveKey(wf.objective);
  const swept = sweptParams(wf.grid);
  const hindsight = wf.contrast?.test_run_ids ?? [];  // the contrast's run on each fold's test window, in fold order
  const metric = (m: Fold['oos_metrics'], key: string) => {
    const v = readMetric(m, key);
    return <span className={metricDef(key).signed ? tone(v) : ''}>{formatMetric(key, v)}</span>;
  };
  return (
    <div className="table-wrap">
      <table className="table" data-testid="fold-table">
        <thead>
          <tr>
            <th scope="col" style={{ ...STICKY, zIndex: 3 }}>Fold</th>
            <th scope="col">Train</th>
            <th scope="col">Test</th>
            <th scope="col">Cells</th>
            <th scope="col">Chosen parameters</th>
            <th scope="col" className="num">In-sample {metricDef(objective).label}</th>
            <th scope="col" className="num">OOS return</th>
            <th scope="col" className="num">OOS Sharpe</th>
            <th scope="col" className="num">OOS trades</th>
            <th scope="col" className="num" title="in dollars">OOS fees $</th>
            <th scope="col" className="num">Efficiency</th>
            <th scope="col" style={{ ...STICKY_RIGHT, zIndex: 3 }}>Open</th>
          </tr>
        </thead>
        <tbody>
          {wf.folds.map((f, k) => (
            <tr key={f.index} data-testid="fold-row" data-fold={f.index}>
              <th scope="row" style={{ ...STICKY, zIndex: 2 }} data-testid="fold-number">{f.index + 1}</th>
              <td><Time value={f.train_first} style={style} /> → <Time value={f.train_last} style={style} /></td>
              <td>
                <Time value={f.test_first} style={style} /> → <Time value={f.test_last} style={style} />
                {f.partial ? <span className="badge plain" title="the data ends before the test window does"
                  style={{ marginLeft: 4 }}>partial</span> : null}
              </td>
              <td>
                <CellsProgress counts={f} width={60} stacked={!!f.cells_cancelled} label={`fold ${f.index + 1} cells`} testId="fold-progress" />
              </td>
              <td className="wrap" style={{ minWidth: 150 }} data-testid="fold-params">
                {f.params ? <><span className="mono">{describeParams(f.params, swept)}</span>
                  {f.tied > 1 ? <span className="badge plain" data-testid="fold-tied" style={{ marginLeft: 4 }}
                    title={`${f.tied} cells shared the best figure: the first of them in grid order was taken`}>
                    tied ×{f.tied}</span> : null}
                  <PassedOver counts={f} minTrades={wf.min_trades} objective={wf.objective} /></>
                  : f.reason ? <span className="muted" data-testid="fold-reason">no cell: {f.reason}</span>
                    : <span className="dim">{wf.status === 'cancelled' || wf.status === 'failed' ? `not chosen: ${wf.status}`
                      : 'not chosen yet'}</span>}
              </td>
              <td className="num">{f.params ? metric(f.in_sample_metrics, objective) : '—'}</td>
              <td className="num" data-testid="fold-oos-return">
                {f.oos_status && f.oos_status !== 'completed' ? <StatusBadge status={f.oos_status} /> : metric(f.oos_metrics, 'total_return')}
              </td>
              <td className="num">{metric(f.oos_metrics, 'sharpe')}</td>
              <td className="num">{metric(f.oos_metrics, 'trades')}</td>
              <td className="num mono" data-testid="fold-oos-fees">{metric(f.oos_metrics, 'fees_total')}</td>
              <td className="num mono" data-testid="fold-efficiency">
                {f.efficiency === null && f.efficiency_reason ? (
                  <span className="dim" title={f.efficiency_reason} data-testid="fold-efficiency-na">n/a
                    <span className="sr-only">: {f.efficiency_reason}</span></span>
                ) : formatNumber(f.efficiency, 2)}
              </td>
              <td style={{ ...STICKY_RIGHT, zIndex: 2, whiteSpace: 'normal', minWidth: '8.5em' }} data-testid="fold-links">
                {/* the links wrap: four do not fit on one line */}
                <Link to={`/sweeps/${f.sweep_id}`} aria-label={`fold ${f.index + 1} sweep`} style={LINK}
                  data-testid="fold-sweep-link">sweep</Link>
                {f.chosen_run_id ? <>{' · '}<Link to={`/runs/${f.chosen_run_id}`} aria-label={`fold ${f.index + 1} chosen cell`} style={LINK}
                  data-testid="fold-chosen-link">cell</Link></> : null}
                {f.oos_run_id ? <>{' · '}<Link to={`/runs/${f.oos_run_id}`} aria-label={`fold ${f.index + 1} out-of-sample run`} style={LINK}
                  data-testid="fold-oos-link">OOS</Link></> : null}
                {hindsight[k] ? <>{' · '}<Link to={`/runs/${hindsight[k]}`} style={LINK} data-testid="fold-hindsight-link"
                  aria-label={`fold ${f.index + 1} test window with the hindsight parameters`}
                  title="the hindsight-optimised parameters on this test window, run as the out-of-sample run is">hindsight</Link></> : null}
              </td>
            </tr>
          ))}
        </tbody>
        {wf.result ? (
          <tfoot>
            <tr data-testid="fold-total">
              <th scope="row" style={{ ...STICKY, zIndex: 2 }}>All</th>
              <td colSpan={8} className="dim" style={{ whiteSpace: 'normal' }}>
                stitched out of sample: each fold&apos;s fees scaled as its P&amp;L is, in the chained account&apos;s dollars
              </td>
              <td className="num mono" data-testid="fold-total-fees">{metric(wf.result.metrics, 'fees_total')}</td>
              <td />
              <td style={{ ...STICKY_RIGHT, zIndex: 2 }} />
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}
