import { MetricCard } from '@/components/ui/Feedback';
import type { Run } from '@/lib/api/types';
import { formatPlainMetric, tone } from '@/lib/format';
import { formatMetric, KNOWN_RAW, METRIC_DEFS, readMetric } from '@/lib/metrics';

export function MetricsGrid({ run }: { run: Run }) {
  const metrics = run.metrics ?? {};
  if (Object.keys(metrics).length === 0) {
    return <p className="muted" data-testid="metrics-empty">Metrics appear when the run has produced equity.</p>;
  }
  const extra = Object.keys(metrics).filter((k) => !KNOWN_RAW.has(k)).sort();
  return (
    <div className="cards" data-testid="metrics">
      {METRIC_DEFS.map((def) => {
        const v = readMetric(metrics, def.key);
        return (
          <MetricCard key={def.key} label={def.label} value={formatMetric(def.key, v)} testId={`metric-${def.key}`}
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
