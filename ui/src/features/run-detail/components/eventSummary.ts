/**
 * One event's payload as a short line for the event log. A run that the user, the kill switch or the
 * risk limit stopped carries the reason in its `error` text; that is not an error, so it is shown as
 * what it is ("stopped by user") rather than "error=stopped by the user".
 */
import type { WeaverEvent } from '@/lib/api/types';

const KEYS = ['status', 'previous', 'symbol', 'qty', 'progress', 'bars_done', 'rule', 'detail', 'fits', 'reason',
  'error', 'action', 'orders'] as const;

// The texts app/services/run_state.py's stoppers write (older events carry no `state` to read the reason from).
const DELIBERATE: Record<string, string> = {
  'stopped by the user': 'stopped by user',
  'cancelled by the user': 'cancelled by user',
  'sweep cancelled': 'cancelled with its sweep',
  'stopped by the kill switch': 'stopped by the kill switch',
};

/** What `error` means on this event: a deliberate stop's words, or null when it is a real error. */
function stopReason(payload: Record<string, unknown>, error: string): string | null {
  const state = payload.state as { reason?: unknown } | undefined;
  const reason = typeof state?.reason === 'string' ? state.reason : null;
  const known = DELIBERATE[error.trim()];
  if (reason === 'user') return known ?? `stopped by user  note=${error}`; // an earlier warning, kept
  if (reason === 'kill_switch') return 'stopped by the kill switch';
  if (reason === 'risk_limit') return `halted by the risk limit: ${error}`;
  if (reason === 'error') return null;
  return known ?? null;
}

const plural = (n: unknown, one: string, many = `${one}s`) => `${String(n)} ${n === 1 ? one : many}`;

/** Events whose figures read better as a sentence than as key=value pairs. */
const SENTENCES: Record<string, (p: Record<string, unknown>) => string> = {
  // A stop and Start by the user, a restart and a crash all rebuild the strategy: the words blame none of them (trial
  // 38: a run the user stopped and started again read "picked up by a worker…" and "…while the run was down").
  'run.resumed': (p) => (p.reason ? `rebuilt: ${String(p.reason)}; ` : 'strategy rebuilt (started again, or its worker restarted): ')
    + `${plural(p.bars_replayed, 'bar')} replayed`
    + `${p.saved_state ? ' after its saved state' : ''}, ${plural(p.mismatches, 'mismatch', 'mismatches')} with the records`
    + (p.code_changed ? `; ${String(p.code_changed)}` : ''),
  'run.bars_missed': (p) => `${plural(p.count, 'bar')} not traded while the run was not running (stopped, or down)`,
};

export function eventSummary(event: Pick<WeaverEvent, 'payload'> & { type?: string }): string {
  const p = (event.payload ?? {}) as Record<string, unknown>;
  const sentence = event.type ? SENTENCES[event.type] : undefined;
  if (sentence) return sentence(p);
  const parts: string[] = [];
  for (const key of KEYS) {
    const v = p[key];
    if (v === undefined || v === null || v === '') continue;
    if (key === 'progress' && typeof v === 'number') parts.push(`${(v * 100).toFixed(0)}%`);
    else if (key === 'error') parts.push(stopReason(p, String(v)) ?? `error=${String(v)}`);
    else if (Array.isArray(v)) {
      // A list of records (run.positions_closed's closes) is what its `detail` says in words; alone, its count.
      if (v.some((item) => typeof item === 'object' && item !== null)) {
        if (p.detail === undefined || p.detail === null || p.detail === '') parts.push(`${key}=${v.length}`);
      } else parts.push(`${key}=${v.join(', ')}`);
    } else parts.push(`${key}=${String(v)}`);
  }
  return parts.join('  ');
}
