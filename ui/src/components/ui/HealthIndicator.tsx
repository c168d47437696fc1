import { useHealth } from '@/lib/api/catalog';

export function HealthIndicator() {
  const health = useHealth();
  const h = health.data;
  const ok = h?.status === 'ok';
  const workers = h ? Object.entries(h.workers ?? {}).map(([k, v]) => `${k} ${String(v)}`).join(', ') : '';
  const title = h
    ? `database ${h.database.ok ? 'ok' : 'DOWN'} · broker ${h.broker.ok ? 'ok' : 'DOWN'} · workers ${workers || 'none'} · v${h.version}`
    : health.error ? 'health check failed' : 'checking…';
  return (
    <span className="indicator hide-narrow" title={title} data-testid="health" data-status={h?.status ?? 'unknown'}>
      <span className={`dot ${h ? (ok ? 'ok' : 'bad') : health.error ? 'bad' : 'wait'}`} />
      {h ? (ok ? 'healthy' : 'degraded') : health.error ? 'unreachable' : '…'}
    </span>
  );
}
