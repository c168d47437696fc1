import { ErrorBanner, Loading, Panel } from '@/components/ui/Feedback';
import type { Run } from '@/lib/api/types';
import { formatCount } from '@/lib/format';
import { isDaily } from '@/lib/timeframes';
import { type RollingSharpe, type TradeReturns, type YearReturns, useAnalysis } from '../api/analysis';
import { binLabel, formatReturnPct, formatSharpe, MONTH_LABELS, returnTone } from './analysisFormat';
import { RollingSharpeChart } from './RollingSharpeChart';

const REFRESH_MS = 60_000;

/** Monthly returns (compounded from month-end equity), the spread of closed trades' returns and rolling
 *  Sharpe, all computed by the server from the run's whole equity curve and every trade. */
export function AnalysisPanel({ run }: { run: Run }) {
  const waiting = run.status === 'created' || run.status === 'queued'
    || (run.mode === 'backtest' && run.status === 'running');
  const live = run.mode !== 'backtest' && run.status === 'running';
  const version = live ? `${run.metrics?.trades ?? 0}:${run.metrics?.day_pnl == null ? 'no-equity' : 'equity'}` : '';
  const analysis = useAnalysis(run.id, !waiting, live ? REFRESH_MS : false, version);
  const data = analysis.data;
  return (
    <Panel title="Analysis" testId="analysis-panel"
      actions={live ? <span className="dim" data-testid="analysis-refresh">refreshed every minute</span> : null}>
      <ErrorBanner error={analysis.error} title="The analysis could not be loaded" />
      {waiting ? (
        <p className="muted" data-testid="analysis-waiting">
          {run.mode === 'backtest' ? 'The analysis appears once the backtest completes.'
            : 'The analysis appears once the run records its first bar.'}
        </p>
      ) : analysis.isPending ? <Loading /> : data ? (
        <>
          <MonthlyTable years={data.monthly} zone={data.zone} intraday={!isDaily(run.timeframe)} />
          <div className="grid-2" style={{ marginTop: 12 }}>
            <TradeHistogram trades={data.trades} />
            <SharpeSection sharpe={data.rolling_sharpe} />
          </div>
        </>
      ) : null}
    </Panel>
  );
}

function MonthlyTable({ years, zone, intraday }: { years: YearReturns[]; zone: string; intraday: boolean }) {
  return (
    <section aria-labelledby="monthly-returns-title" data-testid="monthly-returns">
      <h3 id="monthly-returns-title">Monthly returns (%)</h3>
      <p className="dim" style={{ margin: '2px 0 6px' }}>
        Month-end equity over the previous month-end (the first month over the starting equity); the year
        compounds its months.{intraday ? ` Days end at midnight ${zone}.` : ''}
      </p>
      {years.length === 0 ? <p className="muted" data-testid="monthly-empty">No equity recorded.</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="monthly-table">
            <thead>
              <tr>
                <th scope="col">Year</th>
                {MONTH_LABELS.map((m) => <th key={m} scope="col" className="num">{m}</th>)}
                <th scope="col" className="num">Year</th>
              </tr>
            </thead>
            <tbody>
              {years.map((y) => (
                <tr key={y.year} data-testid="monthly-row" data-year={y.year}>
                  <th scope="row" className="num">{y.year}</th>
                  {y.months.map((value, m) => (
                    <td key={MONTH_LABELS[m]} className={`num ${returnTone(value)}`} data-testid={`monthly-${y.year}-${m + 1}`}>
                      {formatReturnPct(value)}
                    </td>
                  ))}
                  <td className={`num ${returnTone(y.total)}`} data-testid={`monthly-${y.year}-total`}>
                    <strong>{formatReturnPct(y.total)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function TradeHistogram({ trades }: { trades: TradeReturns }) {
  const most = Math.max(1, ...trades.bins.map((b) => b.count));
  return (
    <section aria-labelledby="trade-returns-title" data-testid="trade-returns">
      <h3 id="trade-returns-title">Trade returns</h3>
      {trades.count === 0 ? <p className="muted" data-testid="trade-returns-empty">No closed trades.</p> : (
        <>
          <p className="mono" data-testid="trade-returns-summary" style={{ margin: '2px 0 6px' }}>
            {formatCount(trades.count)} trades · mean <span className={returnTone(trades.mean_pct)}>
              {formatReturnPct(trades.mean_pct)}</span> · median <span className={returnTone(trades.median_pct)}>
              {formatReturnPct(trades.median_pct)}</span> · {formatCount(trades.wins)} won, {formatCount(trades.losses)} lost
            {trades.flat ? `, ${formatCount(trades.flat)} flat` : ''}
          </p>
          <ul aria-label={`Trade returns in bins of ${trades.width_pct ?? ''}%`} data-testid="trade-histogram"
            style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {trades.bins.map((b) => (
              <li key={b.low} data-testid="trade-bin" data-low={b.low} data-count={b.count}
                style={{ display: 'grid', gridTemplateColumns: '9em minmax(0, 1fr) 3.5em', gap: 8, alignItems: 'center' }}>
                <span className="mono">{binLabel(b.low, b.high)}</span>
                <span aria-hidden="true" style={{ height: 10, width: `${(b.count / most) * 100}%`, minWidth: b.count ? 2 : 0,
                  background: Number(b.high) <= 0 ? 'var(--neg)' : 'var(--pos)' }} />
                <span className="num">{formatCount(b.count)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function SharpeSection({ sharpe }: { sharpe: RollingSharpe }) {
  const label = `Rolling Sharpe (${sharpe.window}-${sharpe.period} window)`;
  const last = [...sharpe.values].reverse().find((v) => v !== null);
  return (
    <section aria-labelledby="rolling-sharpe-title" data-testid="rolling-sharpe">
      <h3 id="rolling-sharpe-title">{label}</h3>
      <p className="dim" style={{ margin: '2px 0 6px' }} title={`annualisation: ${sharpe.basis}`}>
        Returns close to close per {sharpe.period}; a year of {sharpe.periods_per_year.toFixed(0)} {sharpe.period}s,
        as in the metrics.{last !== undefined ? ` Latest ${formatSharpe(last)}.` : ''}
      </p>
      {sharpe.values.length === 0 ? (
        <p className="muted" data-testid="rolling-sharpe-empty">
          Not enough data: a window needs {sharpe.window} {sharpe.period === 'day' ? 'daily' : `${sharpe.period}ly`} returns, and this run has fewer.
        </p>
      ) : <RollingSharpeChart dates={sharpe.dates} values={sharpe.values} label={label} />}
    </section>
  );
}
