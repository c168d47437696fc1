import { Link } from 'react-router-dom';
import { formatNumber, formatPct, tone } from '@/lib/format';
import { formatMetric, metricDef, readMetric } from '@/lib/metrics';
import type { Metrics } from '@/lib/api/types';
import type { Walkforward } from '../api/types';
import { efficiencyMeaning } from './efficiency';
import { describeParams, sweptParams } from './params';
import { NoStitchedResult } from './NoStitchedResult';
import { foldList } from './unfinished';

// links inside a sentence are told apart from it by more than their colour
const UNDERLINED = { textDecoration: 'underline' } as const;

// long column headings wrap rather than widen the table
const HEAD = { whiteSpace: 'normal', maxWidth: 190, verticalAlign: 'bottom' } as const;

const ROWS = ['total_return', 'cagr', 'sharpe', 'sortino', 'max_drawdown', 'volatility', 'win_rate', 'profit_factor',
  'trades', 'exposure', 'final_equity'];

/**
 * The stitched out-of-sample figures beside the hindsight-optimised cell run on the same test windows
 * as the folds' own runs are (a fair comparison: same bars, same protocol, chained the same way), then that cell over the whole window
 * (bars the walk-forward never traded included); and the walk-forward efficiency with what it means.
 */
export function ResultPanel({ wf }: { wf: Walkforward }) {
  const { result, contrast } = wf;
  if (!result) return <NoStitchedResult wf={wf} />;
  // Folds whose own efficiency is withheld for an in-sample loss still weigh in the overall mean (trial 31).
  const losing = wf.folds.filter((f) => f.efficiency === null && (f.efficiency_reason ?? '').includes('not positive')).length;
  const cell = (metrics: Metrics | undefined, key: string) => {
    const v = readMetric(metrics, key);
    return <span className={metricDef(key).signed ? tone(v) : ''}>{formatMetric(key, v)}</span>;
  };
  const pct = (v: number | null) => (v === null ? null : v / 100);
  const same = contrast && result.contrast_metrics ? result.contrast_metrics : null;
  const unchosen = wf.folds.filter((f) => f.reason && !f.oos_run_id);
  return (
    <div data-testid="result">
      {unchosen.length ? (
        // trial 26: 54 of 90 folds chose nothing, and the result read as the whole window's
        <p className="warn" role="note" data-testid="result-partial">
          The stitched result covers {wf.folds.length - unchosen.length} of {wf.folds.length} folds:
          {' '}{foldList(unchosen.map((f) => f.index + 1))} chose no cell, so {unchosen.length === 1 ? 'its test window is'
            : 'their test windows are'} not in it ({unchosen[0]!.reason}
          {unchosen.length > 1 ? ', and the others\' reasons in the table below' : ''}).
        </p>
      ) : null}
      <p data-testid="efficiency" data-value={result.efficiency ?? ''}>
        Walk-forward efficiency: <strong className="mono">{result.efficiency === null ? 'n/a' : formatNumber(result.efficiency, 2)}</strong>
        {' — '}<span data-testid="efficiency-meaning">
          {efficiencyMeaning(result.efficiency, result.efficiency_reason, result.is_annualised_return_pct,
            wf.folds.map((f) => f.efficiency))}</span>.
        {result.efficiency !== null ? (
          <span className="dim" data-testid="efficiency-rates"> (Stitched out-of-sample annualised return {formatPct(pct(result.oos_annualised_return_pct))} over
            the folds&apos; mean in-sample {formatPct(pct(result.is_annualised_return_pct))}
            {result.bars_per_year ? <>, both annualised with a year of {formatNumber(result.bars_per_year, 0)} bars, the
              year of the folds&apos; whole span (each fold&apos;s own CAGR uses its own window&apos;s year)</> : null}.)</span>
        ) : null}
        {result.efficiency !== null && losing ? (
          <span className="dim" data-testid="efficiency-mixed"> The mean counts every fold&apos;s in-sample return, the
            {' '}{losing === 1 ? 'fold' : `${losing} folds`} whose own ratio means nothing (an in-sample loss) included.</span>
        ) : null}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="result-table" style={{ width: 'auto', minWidth: 480 }}>
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col" className="num" style={HEAD}>Stitched out-of-sample</th>
              {same ? <th scope="col" className="num" style={HEAD} data-testid="result-contrast-head">Hindsight-optimised, same test windows</th> : null}
              {contrast ? <th scope="col" className="num" style={HEAD}>Hindsight-optimised, whole window (incl. bars the walk-forward never traded)</th>
                : null}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((key) => (
              <tr key={key} data-testid="result-row" data-metric={key}>
                <th scope="row">{metricDef(key).label}</th>
                <td className="num" data-testid="result-oos">{cell(result.metrics, key)}</td>
                {same ? <td className="num" data-testid="result-contrast">{cell(same, key)}</td> : null}
                {contrast ? <td className="num" data-testid="result-contrast-whole">{cell(contrast.metrics, key)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {contrast && !same && wf.status === 'cancelled' ? (
        <p className="muted" data-testid="contrast-cancelled">
          No hindsight figures: the walk-forward was cancelled before its whole-window sweep and runs had finished.
          Every fold&apos;s out-of-sample run had, so the stitched result above is whole.
        </p>
      ) : null}
      {contrast ? (
        <p className="dim" data-testid="contrast-params">
          Whole-window best: {contrast.params ? <span className="mono">{describeParams(contrast.params, sweptParams(wf.grid))}</span>
            : <span>{contrast.reason ?? 'none chosen'}</span>}
          {contrast.run_id ? <> · <Link to={`/runs/${contrast.run_id}`} style={UNDERLINED} data-testid="contrast-run-link">its backtest</Link></> : null}
          {' · '}<Link to={`/sweeps/${contrast.sweep_id}`} style={UNDERLINED}>its sweep</Link>
          {contrast.run_id ? (
            <span data-testid="contrast-closed-note">
              {' '}(its backtest closes what it holds at the window&apos;s last close, as each out-of-sample run does;
              the sweep&apos;s cell leaves that position open, so their trades and profit factor can differ by that one trade)
            </span>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}
