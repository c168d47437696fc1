import type { Run } from '@/lib/api/types';
import { runStateLabel, runStateTitle, runStateTone } from './runState';

/** A run's state as the server says it (status kept in data-status for scripts and tests). */
export function RunStateBadge({ run, testId }: { run: Pick<Run, 'status' | 'state'>; testId?: string }) {
  const view = run.state;
  return (
    <span className={`badge s-${runStateTone(view)}`} data-testid={testId ?? 'status-badge'} data-status={run.status}
      data-state={view.state} data-reason={view.reason ?? ''} title={runStateTitle(view)}>
      {runStateLabel(view, run.status)}
    </span>
  );
}
