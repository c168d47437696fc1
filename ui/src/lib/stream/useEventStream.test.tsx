import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource } from '@/testing/fakeEventSource';
import { useEventStream } from './useEventStream';

function setup(signedIn = true) {
  const queryClient = new QueryClient();
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
  const remove = vi.spyOn(queryClient, 'removeQueries');
  const onDown = vi.fn();
  const hook = renderHook((props: { signedIn: boolean }) => useEventStream({
    signedIn: props.signedIn, queryClient, EventSourceImpl: FakeEventSource, flushMs: 0, initialBackoffMs: 1000,
    maxBackoffMs: 8000, onDown,
  }), { initialProps: { signedIn } });
  const invalidated = () => invalidate.mock.calls.map(([filters]) => filters?.queryKey);
  return { ...hook, queryClient, invalidate, invalidated, remove, onDown };
}

describe('useEventStream', () => {
  beforeEach(() => {
    FakeEventSource.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('opens /stream (signed in by the cookie: no token in the URL) and reports connecting, then open', () => {
    const { result } = setup();
    expect(FakeEventSource.last().url).toBe('/api/v1/stream');
    expect(result.current.state).toBe('connecting');
    act(() => FakeEventSource.last().open());
    expect(result.current.state).toBe('open');
  });

  it('does not connect when signed out and reports down', () => {
    const { result } = setup(false);
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(result.current.state).toBe('down');
  });

  it('invalidates the run lists and everything of the run on a status event', () => {
    const { invalidated } = setup();
    act(() => {
      FakeEventSource.last().open();
      FakeEventSource.last().emit('run.completed', 7, { run_id: 'r1', status: 'completed', previous: 'running', mode: 'backtest' }, 'r1');
    });
    expect(invalidated()).toEqual(expect.arrayContaining([['runs'], ['run', 'r1'], ['sweeps']]));
    expect(invalidated()).not.toContainEqual(['accounts']);
  });

  it('invalidates only the run detail and lists on backtest progress', () => {
    const { invalidated } = setup();
    act(() => FakeEventSource.last().emit('backtest.progress', 3, { run_id: 'r1', progress: 0.5, bars_done: 5, bars_total: 10 }, 'r1'));
    expect(invalidated()).toEqual([['runs'], ['run', 'r1', 'detail']]);
  });

  it('refreshes orders, fills, trades and positions on a fill, and the accounts', () => {
    const { invalidated } = setup();
    act(() => FakeEventSource.last().emit('order.filled', 4, { run_id: 'r2', order_id: 'o', client_order_id: 'c', symbol: 'AAPL', status: 'filled' }, 'r2'));
    expect(invalidated()).toEqual(expect.arrayContaining([
      ['run', 'r2', 'orders'], ['run', 'r2', 'fills'], ['run', 'r2', 'trades'], ['run', 'r2', 'positions'],
      ['run', 'r2', 'events'], ['accounts'],
    ]));
  });

  it('refreshes the sweep on sweep progress', () => {
    const { invalidated } = setup();
    act(() => FakeEventSource.last().emit('sweep.progress', 9, { sweep_id: 's1', status: 'running', done: 2, total: 4 }));
    expect(invalidated()).toEqual(expect.arrayContaining([['sweeps'], ['sweep', 's1']]));
  });

  it('refreshes the series list when bars are imported', () => {
    const { invalidated } = setup();
    act(() => FakeEventSource.last().emit('bars.imported', 2, { symbol: 'AAPL', timeframe: '1Day', rows: 3, source: 'csv' }));
    expect(invalidated()).toEqual([['series'], ['bars']]);
  });

  it('removes a deleted run from the cache', () => {
    const { remove } = setup();
    act(() => FakeEventSource.last().emit('run.deleted', 5, { run_id: 'r3', status: 'deleted' }, 'r3'));
    expect(remove).toHaveBeenCalledWith({ queryKey: ['run', 'r3'] });
  });

  it('refetches a first fetch that was already in flight when its event arrived', async () => {
    vi.useRealTimers();
    const queryClient = new QueryClient();
    const answers = ['from before the run completed', 'after'];
    const calls: string[] = [];
    const gate: { release?: () => void } = {};
    const observer = new QueryObserver(queryClient, {
      queryKey: ['run', 'r1', 'trades', 'all'],
      queryFn: ({ signal }) => new Promise<string>((resolve, reject) => {
        const answer = answers[calls.length] ?? 'unexpected';
        calls.push(answer);
        signal.addEventListener('abort', () => reject(new Error('aborted')));
        if (calls.length === 1) gate.release = () => resolve(answer);
        else resolve(answer);
      }),
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await waitFor(() => expect(calls).toHaveLength(1));
    renderHook(() => useEventStream({ signedIn: true, queryClient, EventSourceImpl: FakeEventSource, flushMs: 0 }));
    act(() => FakeEventSource.last().emit('run.completed', 7, { run_id: 'r1', status: 'completed', mode: 'backtest' }, 'r1'));
    gate.release?.();
    await waitFor(() => expect(observer.getCurrentResult().data).toBe('after'));
    expect(calls).toEqual(['from before the run completed', 'after']);
    unsubscribe();
  });

  it('batches and deduplicates invalidations within the flush window', () => {
    const queryClient = new QueryClient();
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
    renderHook(() => useEventStream({ signedIn: true, queryClient, EventSourceImpl: FakeEventSource, flushMs: 200 }));
    act(() => {
      for (let seq = 1; seq <= 20; seq += 1) {
        FakeEventSource.last().emit('backtest.progress', seq, { run_id: 'r1', progress: seq / 20 }, 'r1');
      }
    });
    expect(invalidate).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(200));
    expect(invalidate.mock.calls.map(([f]) => f?.queryKey)).toEqual([['runs'], ['run', 'r1', 'detail']]);
  });

  it('goes down on an error and reconnects by itself with backoff, resuming after the last seq', () => {
    const { result, onDown } = setup();
    const first = FakeEventSource.last();
    act(() => {
      first.open();
      first.emit('run.started', 41, { run_id: 'r1', status: 'running' }, 'r1');
      first.emit('run.completed', 42, { run_id: 'r1', status: 'completed' }, 'r1');
      first.fail();
    });
    expect(result.current.state).toBe('down');
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(onDown).toHaveBeenCalledTimes(1);
    expect(result.current.retryInMs).toBe(1000);

    act(() => vi.advanceTimersByTime(999));
    expect(FakeEventSource.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.last().url).toBe('/api/v1/stream?after=42');
    expect(result.current.state).toBe('connecting');

    // a second failure doubles the wait
    act(() => FakeEventSource.last().fail());
    expect(result.current.retryInMs).toBe(2000);
    act(() => vi.advanceTimersByTime(2000));
    expect(FakeEventSource.instances).toHaveLength(3);
    act(() => FakeEventSource.last().open());
    expect(result.current.state).toBe('open');
  });

  it('refetches everything once it recovers, and ignores replayed events it already handled', () => {
    const { invalidate, invalidated } = setup();
    act(() => {
      FakeEventSource.last().open();
      FakeEventSource.last().emit('run.queued', 10, { run_id: 'r1', status: 'queued' }, 'r1');
      FakeEventSource.last().fail();
    });
    act(() => vi.advanceTimersByTime(1000));
    invalidate.mockClear();
    act(() => FakeEventSource.last().open());
    expect(invalidate).toHaveBeenCalledWith();
    invalidate.mockClear();
    act(() => FakeEventSource.last().emit('run.queued', 10, { run_id: 'r1', status: 'queued' }, 'r1'));
    expect(invalidate).not.toHaveBeenCalled();
    act(() => FakeEventSource.last().emit('run.started', 11, { run_id: 'r1', status: 'running' }, 'r1'));
    expect(invalidated()).toContainEqual(['run', 'r1']);
  });

  it('caps the backoff and closes the stream on unmount', () => {
    const { result, unmount } = setup();
    for (let i = 0; i < 6; i += 1) {
      act(() => FakeEventSource.last().fail());
      act(() => vi.advanceTimersByTime(result.current.retryInMs ?? 0));
    }
    act(() => FakeEventSource.last().fail());
    expect(result.current.retryInMs).toBe(8000);
    const count = FakeEventSource.instances.length;
    unmount();
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeEventSource.instances).toHaveLength(count);
  });

  it('closes the stream on sign-out and opens a new one on sign-in', () => {
    const { rerender } = setup(true);
    const first = FakeEventSource.last();
    rerender({ signedIn: false });
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(FakeEventSource.instances).toHaveLength(1);
    rerender({ signedIn: true });
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.last().url).toBe('/api/v1/stream');
  });
});
