import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { keys } from '@/lib/api/keys';
import { EVENT_TYPES, routeEvent } from './routing';

describe('event routing', () => {
  it('knows every event type the stream sends', () => {
    for (const type of ['run.created', 'run.deleted', 'backtest.progress', 'order.partially_filled', 'position.changed',
      'sweep.completed', 'risk.breached', 'reconcile.repaired', 'live.tick', 'bars.imported', 'kill.activated']) {
      expect(EVENT_TYPES).toContain(type);
    }
  });

  it('routes a paper run status change to the accounts too', () => {
    const r = routeEvent({ type: 'run.stopped', run_id: 'r', payload: { run_id: 'r', status: 'stopped', mode: 'paper' } });
    expect(r.invalidate).toContainEqual(['accounts']);
  });

  it('routes a live tick to the run equity, positions and the dashboard P&L', () => {
    const r = routeEvent({ type: 'live.tick', run_id: 'r', payload: { run_id: 'r', bar_ts: 'x', status: 'ok' } });
    expect(r.invalidate).toEqual(expect.arrayContaining([['run', 'r', 'positions'], ['run', 'r', 'equity'], ['runs']]));
  });

  it('routes a live tick to the bars its worker recorded, so a paper run chart grows bar by bar', () => {
    const r = routeEvent({ type: 'live.tick', run_id: 'r', payload: { run_id: 'r', bar_ts: 'x', status: 'ok' } });
    expect(r.invalidate).toContainEqual(['run', 'r', 'bars']);
    expect(routeEvent({ type: 'position.changed', run_id: 'r', payload: { run_id: 'r' } }).invalidate)
      .not.toContainEqual(['run', 'r', 'bars']);
  });

  it('refetches the indicator lines with the bars on a live tick, so the SMA keeps up with the candles', () => {
    const r = routeEvent({ type: 'live.tick', run_id: 'r', payload: { run_id: 'r', bar_ts: 'x', status: 'ok' } });
    expect(r.invalidate).toContainEqual(['run', 'r', 'indicators']);
    // The chart's indicator query (whatever symbol and window it asks for) is made stale by it.
    const client = new QueryClient();
    const chartKey = [...keys.run.indicators('r'), 'AAPL', { limit: 500 }];
    client.setQueryData(chartKey, []);
    for (const key of r.invalidate) void client.invalidateQueries({ queryKey: key });
    expect(client.getQueryState(chartKey)?.isInvalidated).toBe(true);
    expect(routeEvent({ type: 'position.changed', run_id: 'r', payload: { run_id: 'r' } }).invalidate)
      .not.toContainEqual(['run', 'r', 'indicators']);
  });

  it('routes a delivery result to the notifications page', () => {
    expect(EVENT_TYPES).toContain('notification.sent');
    const r = routeEvent({ type: 'notification.sent', run_id: null, payload: { channel: 'c', status: 'failed' } });
    expect(r.invalidate).toEqual([['notifications']]);
  });

  it('routes the kill switch to every run and the accounts', () => {
    const r = routeEvent({ type: 'kill.activated', run_id: null, payload: { runs: 2 } });
    expect(r.invalidate).toEqual([['runs'], ['run'], ['accounts']]);
  });

  it("routes a fold sweep's progress and a walk-forward's own events to that walk-forward's page and list", () => {
    expect(EVENT_TYPES).toEqual(expect.arrayContaining(['walkforward.created', 'walkforward.testing',
      'walkforward.completed']));
    const fold = routeEvent({ type: 'sweep.progress', run_id: null,
      payload: { sweep_id: 's', walkforward_id: 'w', fold: 0, status: 'running', done: 3, total: 9 } });
    expect(fold.invalidate).toEqual(expect.arrayContaining([['sweep', 's'], ['walkforwards'], ['walkforward', 'w']]));
    const done = routeEvent({ type: 'walkforward.completed', run_id: null,
      payload: { walkforward_id: 'w', status: 'completed', done: 2, total: 2 } });
    expect(done.invalidate).toEqual(expect.arrayContaining([['walkforwards'], ['walkforward', 'w']]));
    const plain = routeEvent({ type: 'sweep.progress', run_id: null, payload: { sweep_id: 's' } });
    expect(plain.invalidate).not.toContainEqual(['walkforwards']);
  });
});
