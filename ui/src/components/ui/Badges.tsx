import type { Mode, RunStatus } from '@/lib/api/types';

export function StatusBadge({ status, testId }: { status: RunStatus | string; testId?: string }) {
  return <span className={`badge s-${status}`} data-testid={testId ?? 'status-badge'} data-status={status}>{status}</span>;
}

export function ModeBadge({ mode }: { mode: Mode | string }) {
  return <span className={`badge plain m-${mode}`} data-testid="mode-badge">{mode}</span>;
}

export function SourceBadge({ source }: { source: string }) {
  return (
    <span className={`badge plain ${source === 'synthetic' ? 'synthetic' : ''}`}
      title={source === 'synthetic' ? 'Generated demo data, not market prices' : undefined}>
      {source}
    </span>
  );
}
