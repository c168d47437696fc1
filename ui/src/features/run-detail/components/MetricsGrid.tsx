import { MetricCard } from '@/components/ui/Feedback';
import type { Run } from '@/lib/api/types';
import { formatMoney, formatPlainMetric, tone } from '@/lib/format';
import { formatMetric, KNOWN_RAW, METRIC_DEFS, metricUnavailable, NOT_ENOUGH_DATA, readMetric } from '@/lib/metrics';

const DAY_RULE = 'equity at the last mark − equity at 00:00 New York (the exchange\'s day) of that day; '
  + 'the daily-loss limit counts the same day';

/** A paper or live run's P&L of the New York day, as the worker marked it (app/veda/marking.py). */
function DayPnl({ run }: { run: Run }) {
  const pnl = run.metrics.day_pnl;
  if (run.mode === 'backtest' || typeof pnl !== 'number') return null;
  return (
    <MetricCard label="Today's P&L" testId="metric-day_pnl" title={DAY_RULE} tone={tone(pnl)}
      value={<>{formatMoney(pnl.toFixed(2), true)}
        <div className="muted" style={{ fontSize: 11, fontWeight: 400 }}>since 00:00 New York</div></>} />
  );
}

export function MetricsGrid({ run }: { run: Run }) {
  const metrics = run.metrics ?? {};
  if (Object.keys(metrics).length === 0) {
    return <p className="muted" data-testid="metrics-empty">Metrics appear when the run has produced equity.</p>;
  }
  const extra = Object.keys(metrics).filter((k) => !KNOWN_RAW.has(k)).sort();
  return (
    <div className="cards" data-testid="metrics">
      <DayPnl run={run} />
      {METRIC_DEFS.map((def) => {
        const withheld = metricUnavailable(run.metrics_unavailable, def.key);
        if (withheld) {
          return (
            <MetricCard key={def.key} label={def.label} testId={`metric-${def.key}`} title={withheld}
              value={<span className="muted not-enough" aria-label={`${def.label}: ${withheld}`}>{NOT_ENOUGH_DATA}</span>} />
          );
        }
        const v = readMetric(metrics, def.key);
        // a paper or live run still trading has no final equity yet: its latest (trial 33 read "Final equity")
        const trading = run.mode !== 'backtest' && (run.status === 'running' || run.status === 'stopping');
        const label = def.key === 'final_equity' && trading ? 'Equity now' : def.label;
        return (
          <MetricCard key={def.key} label={label} value={formatMetric(def.key, v)} testId={`metric-${def.key}`}
            tone={def.key === 'max_drawdown' && v !== null && v < 0 ? 'neg' : def.signed ? tone(v) : ''} />
        );
      })}
      {extra.map((k) => {
        const v = metrics[k];
        return <MetricCard key={k} label={k.replace(/_/g, ' ')} value={formatPlainMetric(typeof v === 'number' ? v : null)} />;
      })}
    </div>
  );
}
