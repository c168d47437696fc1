import { useHealth } from '@/lib/api/catalog';
import type { Health } from '@/lib/api/types';

const LABELS: Record<string, string> = {
  database: 'database', redis: 'queue', backtest_workers: 'backtest workers', live_worker: 'live worker',
  scheduler: 'scheduler', broker: 'broker',
};

/** One line per component for the tooltip: "live worker ok" or "scheduler DOWN: no scheduler has…". */
function describe(h: Health): string {
  const lines = Object.entries(h.components ?? {}).map(([name, c]) =>
    `${LABELS[name] ?? name} ${c.ok ? 'ok' : `DOWN${c.error ? `: ${c.error}` : ''}`}`);
  return [...lines, `v${h.version}`].join('\n');
}

export function HealthIndicator() {
  const health = useHealth();
  // The last answer stays in the cache when a later check fails: a server gone is unreachable, not still
  // "healthy" beside "disconnected" (trial 35).
  const h = health.isError ? undefined : health.data;
  const ok = h?.status === 'ok';
  const failing = h?.failing ?? [];
  const title = h ? describe(h) : health.error ? 'health check failed' : 'checking…';
  const label = h
    ? (ok ? 'healthy' : `degraded: ${failing.map((name) => LABELS[name] ?? name).join(', ')}`)
    : health.error ? 'unreachable' : '…';
  return (
    <span className="indicator hide-narrow" title={title} data-testid="health" data-status={h?.status ?? 'unknown'}>
      <span className={`dot ${h ? (ok ? 'ok' : 'bad') : health.error ? 'bad' : 'wait'}`} />
      {label}
    </span>
  );
}
