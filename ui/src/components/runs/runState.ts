/**
 * How a run's state reads, from the API's one view of it (`run.state`, derived by the server): the badge,
 * the banner and the buttons all come from here, never from `status` or `error` (issue 17: "running" beside
 * "the run stopped with an error"; a kill-switch stop shown as an error).
 */
import type { Run } from '@/lib/api/types';

export type RunStateView = Run['state'];

const STOPPED_LABELS: Record<NonNullable<RunStateView['reason']>, string> = {
  completed: 'completed',
  user: 'stopped by user',
  kill_switch: 'stopped by kill switch',
  risk_limit: 'halted by risk limit',
  error: 'error',
};

/**
 * The badge's text. A run that ended in error reads as its status says (`failed`: a backtest; `error`: a paper or
 * live run), the word the API, the status filter and the CLI use; `state.reason` (`error`) goes in the badge's title.
 */
export function runStateLabel(view: RunStateView, status?: Run['status']): string {
  if (view.state === 'stopping') return view.reason === 'kill_switch' ? 'stopping (kill switch)' : 'stopping';
  if (view.state === 'stopped' && view.reason === 'error') return status === 'error' ? 'error' : 'failed';
  if (view.state === 'stopped') return STOPPED_LABELS[view.reason ?? 'user'];
  return view.state;
}

/** The badge's title: the stop's message, after the reason when the run ended in error. */
export function runStateTitle(view: RunStateView): string | undefined {
  if (view.state === 'stopped' && view.reason === 'error') return `reason: error${view.message ? ` — ${view.message}` : ''}`;
  return view.message ?? undefined;
}

/** The badge's colour class (global.css): live work in accent, a completion green, an error red, a halt amber. */
export function runStateTone(view: RunStateView): string {
  if (view.state !== 'stopped') return view.state;
  switch (view.reason) {
    case 'completed': return 'completed';
    case 'error': return 'error';
    case 'kill_switch':
    case 'risk_limit': return 'cancelled';
    default: return 'created';
  }
}

/** The banner under the header: only a stop with something to say (an error, a risk halt, a note). */
export function runStateBanner(view: RunStateView): { tone: 'error' | 'warn'; title: string; message: string } | null {
  if (view.state !== 'stopped' || !view.message) return null;
  if (view.reason === 'error') return { tone: 'error', title: 'The run stopped with an error', message: view.message };
  if (view.reason === 'risk_limit') return { tone: 'warn', title: 'Halted by the risk limit', message: view.message };
  return { tone: 'warn', title: 'Stopped', message: view.message };
}
