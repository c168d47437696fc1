import { QueryClient } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource } from '@/testing/fakeEventSource';
import { useEventStream, type EventStreamOptions } from './useEventStream';

/** The stream hook against a server that goes quiet: heartbeats every 2 s, then none (issue 17.5). */
function setup() {
  const queryClient = new QueryClient();
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue();
  const options = {
    signedIn: true, token: 'tok', queryClient, EventSourceImpl: FakeEventSource, flushMs: 0, initialBackoffMs: 1000,
    maxBackoffMs: 8000,
  } as unknown as EventStreamOptions; // signed in either way the app signs the stream in (cookie or token)
  const hook = renderHook(() => useEventStream(options));
  return { ...hook, invalidate };
}

const tick = (ms: number) => act(() => { vi.advanceTimersByTime(ms); });

describe('the stream watchdog', () => {
  beforeEach(() => {
    FakeEventSource.reset();
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('stays open for as long as heartbeats come every 2 s', () => {
    const { result } = setup();
    act(() => FakeEventSource.last().open());
    for (let i = 0; i < 10; i += 1) {
      tick(2000);
      act(() => FakeEventSource.last().heartbeat(5));
    }
    expect(result.current.state).toBe('open');
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('calls a silent server lost within 5 s, without any error from the connection', () => {
    const { result } = setup();
    const first = FakeEventSource.last();
    act(() => {
      first.open();
      first.emit('run.stopping', 7, { run_id: 'r1', status: 'stopping' }, 'r1');
    });
    tick(2000);
    act(() => first.heartbeat(7));
    tick(3900); // the server froze just after its heartbeat: 3.9 s of silence is not yet enough
    expect(result.current.state).toBe('open');
    tick(200); // 4 s: two heartbeats missed
    expect(result.current.state).toBe('down');
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
  });

  it('reconnects after the last event it saw and refetches, so the event log has no gap', () => {
    const { result, invalidate } = setup();
    const first = FakeEventSource.last();
    act(() => {
      first.open();
      first.emit('order.filled', 7, { run_id: 'r1', order_id: 'o', client_order_id: 'c', symbol: 'AAPL', status: 'filled' }, 'r1');
    });
    tick(4500);
    expect(result.current.state).toBe('down');
    tick(1000); // the first retry
    const second = FakeEventSource.last();
    expect(second).not.toBe(first);
    expect(second.url).toContain('after=7'); // the server replays what came after (as it does for Last-Event-ID)
    invalidate.mockClear();
    act(() => second.open());
    expect(result.current.state).toBe('open');
    expect(invalidate).toHaveBeenCalledWith(); // everything refetched: the event log reads the missed events
    act(() => {
      second.emit('order.filled', 7, { run_id: 'r1', status: 'filled' }, 'r1'); // already seen: ignored
      second.emit('run.stopped', 8, { run_id: 'r1', status: 'stopped' }, 'r1'); // written while we were away
    });
    expect(result.current.lastSeq).toBe(8);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toContainEqual(['run', 'r1']);
  });

  it('a connection that never opens is down too, and is retried', () => {
    const { result } = setup();
    tick(4600);
    expect(result.current.state).toBe('down');
    tick(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
  });
});
