/**
 * Which query keys a thin stream event makes stale. Events carry ids, not data: the UI refetches
 * through REST what they name (the payload is never copied into a store).
 */
import type { QueryKey } from '@tanstack/react-query';
import { keys } from '@/lib/api/keys';
import type { WeaverEvent } from '@/lib/api/types';

export const RUN_STATUS_EVENTS = [
  'run.created', 'run.queued', 'run.started', 'run.completed', 'run.failed', 'run.cancelled',
  'run.stopping', 'run.stopped', 'run.error', 'run.deleted',
] as const;
/** A paper or live run's notices: how it came back after a restart, what it missed, what its start found. */
export const RUN_NOTICE_EVENTS = [
  'run.resumed', 'run.bars_missed', 'run.replay_mismatch', 'run.buying_power_short', 'run.orders_cancelled',
  'run.positions_closed',
  'run.account_shared',
] as const;
export const ORDER_EVENTS = [
  'order.submitted', 'order.accepted', 'order.partially_filled', 'order.filled', 'order.canceled',
  'order.expired', 'order.rejected', 'order.unknown',
] as const;
export const SWEEP_EVENTS = [
  'sweep.created', 'sweep.progress', 'sweep.completed', 'sweep.cancelled', 'sweep.failed',
] as const;
export const WALKFORWARD_EVENTS = [
  'walkforward.created', 'walkforward.testing', 'walkforward.completed', 'walkforward.cancelled',
  'walkforward.failed',
] as const;
export const OTHER_EVENTS = [
  'backtest.progress', 'position.changed', 'risk.breached', 'reconcile.repaired', 'live.tick',
  'bars.imported', 'kill.activated', 'run.daily_summary', 'worker.down', 'worker.up', 'notification.sent',
] as const;

/** Every named event the stream sends (EventSource needs a listener per name). */
export const EVENT_TYPES: readonly string[] = [...RUN_STATUS_EVENTS, ...RUN_NOTICE_EVENTS, ...ORDER_EVENTS, ...SWEEP_EVENTS, ...WALKFORWARD_EVENTS,
  ...OTHER_EVENTS];

export interface Routing {
  invalidate: QueryKey[];
  remove: QueryKey[];
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

/** A walk-forward's page and list (its page's fetch is throttled: a fold's sweep reports every cell). */
function walkforward(id: string | null, invalidate: QueryKey[]): void {
  if (!id) return;
  invalidate.push(keys.walkforwards.all, keys.walkforward.all(id));
}

export function routeEvent(event: Pick<WeaverEvent, 'type' | 'run_id' | 'payload'>): Routing {
  const payload = event.payload ?? {};
  const runId = event.run_id ?? str(payload.run_id);
  const invalidate: QueryKey[] = [];
  const remove: QueryKey[] = [];
  const [family] = event.type.split('.');

  if (event.type === 'run.deleted' && runId) {
    remove.push(keys.run.all(runId));
    invalidate.push(keys.runs.all, keys.sweeps.all);
    return { invalidate, remove };
  }

  switch (family) {
    case 'run':
      invalidate.push(keys.runs.all, keys.sweeps.all);
      if (runId) invalidate.push(keys.run.all(runId));
      if (str(payload.mode) !== 'backtest') invalidate.push(keys.accounts);
      break;
    case 'backtest':
      invalidate.push(keys.runs.all);
      if (runId) invalidate.push(keys.run.detail(runId));
      break;
    case 'order':
      if (runId) {
        invalidate.push(keys.run.records(runId, 'orders'), keys.run.events(runId));
        if (event.type === 'order.filled' || event.type === 'order.partially_filled') {
          invalidate.push(keys.run.records(runId, 'fills'), keys.run.records(runId, 'trades'),
            keys.run.positions(runId));
        }
      }
      invalidate.push(keys.accounts);
      break;
    case 'position':
    case 'live':
      if (runId) {
        invalidate.push(keys.run.positions(runId), keys.run.equityAll(runId), keys.run.detail(runId),
          keys.run.events(runId));
        if (family === 'position') invalidate.push(keys.run.records(runId, 'trades'));
        // The tick's bar is recorded: the chart grows, and its indicator lines with it (same refetch).
        if (event.type === 'live.tick') invalidate.push(keys.run.bars(runId), keys.run.indicators(runId));
      }
      invalidate.push(keys.runs.all, keys.accounts);
      break;
    case 'sweep': {
      const sweepId = str(payload.sweep_id);
      invalidate.push(keys.sweeps.all, keys.runs.all);
      if (sweepId) invalidate.push(keys.sweep.all(sweepId));
      walkforward(str(payload.walkforward_id), invalidate);  // a fold's sweep, or the contrast one
      break;
    }
    case 'walkforward':
      invalidate.push(keys.runs.all);
      walkforward(str(payload.walkforward_id), invalidate);
      break;
    case 'risk':
    case 'reconcile':
      if (runId) invalidate.push(keys.run.all(runId));
      invalidate.push(keys.accounts);
      break;
    case 'bars':
      invalidate.push(keys.series, keys.bars.all);
      break;
    case 'kill':
      invalidate.push(keys.runs.all, ['run'], keys.accounts);
      break;
    case 'notification':
      invalidate.push(keys.notifications);
      break;
    case 'worker':
      invalidate.push(keys.health);
      break;
    default:
      if (runId) invalidate.push(keys.run.events(runId));
  }
  return { invalidate, remove };
}
