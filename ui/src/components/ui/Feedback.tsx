import type { ReactNode } from 'react';
import { isApiError } from '@/lib/api/client';

export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = isApiError(error) ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="banner error" role="alert" data-testid="error-banner">
      <div>{title ? <strong>{title}: </strong> : null}{message}</div>
      {api ? (
        <div className="meta">
          {api.status ? `HTTP ${api.status} · ` : ''}{api.code}
          {api.correlationId ? <> · correlation id <code>{api.correlationId}</code></> : null}
        </div>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId ?? 'empty-state'}>
      <h3>{title}</h3>
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div className="loading" role="status">{label}</div>;
}

export function Panel({ title, actions, children, testId, bodyClass = 'panel-body' }:
  { title?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string; bodyClass?: string }) {
  return (
    <section className="panel" data-testid={testId}>
      {title || actions ? (
        <div className="panel-head">
          {typeof title === 'string' ? <h2>{title}</h2> : title}
          <span className="spacer" />
          {actions}
        </div>
      ) : null}
      <div className={bodyClass}>{children}</div>
    </section>
  );
}

export function MetricCard({ label, value, tone = '', title, testId }:
  { label: string; value: ReactNode; tone?: string; title?: string; testId?: string }) {
  return (
    <div className="card" title={title} data-testid={testId}>
      <div className="k">{label}</div>
      <div className={`v ${tone}`}>{value}</div>
    </div>
  );
}
