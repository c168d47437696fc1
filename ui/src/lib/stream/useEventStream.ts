/**
 * The one SSE hook. It opens /api/v1/stream (signed in by the session cookie), and for each thin event invalidates the
 * TanStack Query keys the event concerns (batched, deduplicated). It reports its state
 * (connecting, open, down) and reconnects by itself with exponential backoff, resuming after the
 * last seen seq (`&after=`), so no event is missed across a drop.
 *
 * A server that is gone does not always close the connection (a frozen process, a dropped network):
 * the server sends a `heartbeat` event every 2 s, and a stream silent for `staleAfterMs` (4 s: two missed)
 * is called down and reconnected, so the UI says "disconnected" within 5 s of losing the server (at 4.5 s a
 * last event just before the loss, and the page's own delays, left too little of the 5 s: CI saw 5.0 s).
 * `after=` is the Last-Event-ID the browser cannot set on a new EventSource; the server reads either.
 */
import { hashKey, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiUrl } from '@/lib/api/client';
import type { WeaverEvent } from '@/lib/api/types';
import { EVENT_TYPES, routeEvent } from './routing';

export type StreamState = 'connecting' | 'open' | 'down';

/** The part of EventSource the hook uses (a fake implements it in tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onmessage: ((this: EventSourceLike, ev: MessageEvent) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}
export type EventSourceFactory = new (url: string) => EventSourceLike;

export interface EventStreamOptions {
  /** Whether the browser is signed in: the stream is signed in by the session cookie, as EventSource
   *  sends cookies but cannot set headers (no token in the URL, where logs and history would keep it). */
  signedIn: boolean;
  queryClient: QueryClient;
  /** Defaults to the browser's EventSource. */
  EventSourceImpl?: EventSourceFactory;
  /** Invalidations are gathered for this long, then sent once each (0: at once). */
  flushMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A stream that hears neither an event nor a heartbeat for this long is down (default 4000 ms: two missed). */
  staleAfterMs?: number;
  /** Called when the stream drops (the app probes the API, which turns a 401 into the login prompt). */
  onDown?: () => void;
}

export interface EventStream {
  state: StreamState;
  lastSeq: number | null;
  /** Seconds until the next reconnect attempt, while down. */
  retryInMs: number | null;
  reconnect: () => void;
}

export function streamUrl(after: number | null): string {
  return apiUrl('/stream', { after: after ?? undefined });
}

/**
 * TanStack keeps a query's *first* fetch when the query is invalidated while that fetch is in flight
 * (there is no data to fall back on), but the request may predate the change the event announces:
 * seen as a trades table stuck at "0 rows" after its backtest completed. Cancel such requests and
 * fetch again, so every event is followed by a read that starts after it.
 */
function refetchFirstFetchesInFlight(queryClient: QueryClient, queryKey: QueryKey): void {
  const inFlight = queryClient.getQueryCache().findAll({
    queryKey, predicate: (query) => query.state.fetchStatus === 'fetching' && query.state.data === undefined,
  });
  inFlight.forEach((query) => {
    void queryClient.cancelQueries({ queryKey: query.queryKey, exact: true })
      .then(() => queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true }));
  });
}

export function useEventStream(options: EventStreamOptions): EventStream {
  const { signedIn, queryClient, EventSourceImpl, flushMs = 250, initialBackoffMs = 1000, maxBackoffMs = 30_000 } = options;
  const [state, setState] = useState<StreamState>('connecting');
  const [retryInMs, setRetryInMs] = useState<number | null>(null);
  const [lastSeq, setLastSeq] = useState<number | null>(null);
  const seqRef = useRef<number | null>(null);
  const onDownRef = useRef(options.onDown);
  onDownRef.current = options.onDown;
  const staleAfterRef = useRef(options.staleAfterMs ?? 4000);
  staleAfterRef.current = options.staleAfterMs ?? 4000;
  const [generation, setGeneration] = useState(0);

  const pending = useRef(new Map<string, QueryKey>());
  const removals = useRef(new Map<string, QueryKey>());
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const flush = useCallback(() => {
    flushTimer.current = null;
    const toRemove = [...removals.current.values()];
    const toInvalidate = [...pending.current.values()];
    removals.current.clear();
    pending.current.clear();
    toRemove.forEach((queryKey) => queryClient.removeQueries({ queryKey }));
    toInvalidate.forEach((queryKey) => {
      void queryClient.invalidateQueries({ queryKey });
      refetchFirstFetchesInFlight(queryClient, queryKey);
    });
  }, [queryClient]);

  const handle = useCallback((message: MessageEvent) => {
    let event: WeaverEvent;
    try {
      event = JSON.parse(String(message.data)) as WeaverEvent;
    } catch {
      return; // not one of ours
    }
    const seq = Number(message.lastEventId || event.seq);
    if (Number.isFinite(seq) && seq > 0) {
      if (seqRef.current !== null && seq <= seqRef.current) return; // replayed twice: already handled
      seqRef.current = seq;
      setLastSeq(seq);
    }
    const routing = routeEvent({ ...event, type: event.type || message.type });
    routing.remove.forEach((k) => removals.current.set(hashKey(k), k));
    routing.invalidate.forEach((k) => pending.current.set(hashKey(k), k));
    if (flushMs <= 0) flush();
    else flushTimer.current ??= setTimeout(flush, flushMs);
  }, [flush, flushMs]);

  useEffect(() => {
    if (!signedIn) {
      setState('down');
      return undefined;
    }
    const Impl = EventSourceImpl ?? (window.EventSource as unknown as EventSourceFactory | undefined);
    if (!Impl) {
      setState('down');
      return undefined;
    }
    let source: EventSourceLike | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    let failed = false;
    let disposed = false;
    let watchdog: ReturnType<typeof setTimeout> | null = null;

    const connect = () => {
      if (disposed) return;
      setState('connecting');
      setRetryInMs(null);
      const es = new Impl(streamUrl(seqRef.current));
      source = es;
      es.onopen = () => {
        if (disposed || source !== es) return;
        attempt = 0;
        beat(es);
        setState('open');
        if (failed) {
          // Replay (after=seq) covers events; refetch anyway for changes made before the first event was seen.
          failed = false;
          void queryClient.invalidateQueries();
        }
      };
      es.onerror = () => drop(es);
      es.onmessage = (message) => { beat(es); handle(message); };
      EVENT_TYPES.forEach((type) => es.addEventListener(type, (message) => { beat(es); handle(message); }));
      es.addEventListener('heartbeat', () => beat(es));
      beat(es); // a connection that never opens is down too
    };
    /** (Re)arm the watchdog: anything heard from the server proves it is there. */
    const beat = (es: EventSourceLike) => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => drop(es), staleAfterRef.current);
    };
    const drop = (es: EventSourceLike) => {
      if (disposed || source !== es) return;
      if (watchdog) clearTimeout(watchdog);
      watchdog = null;
      // Close and reconnect ourselves: the browser's own retry has no backoff and gives up on HTTP errors.
      es.close();
      source = null;
      failed = true;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** attempt);
      attempt += 1;
      setState('down');
      setRetryInMs(delay);
      onDownRef.current?.();
      retryTimer = setTimeout(connect, delay);
    };
    connect();

    return () => {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (watchdog) clearTimeout(watchdog);
      source?.close();
      source = null;
    };
  }, [signedIn, EventSourceImpl, initialBackoffMs, maxBackoffMs, handle, queryClient, generation]);

  useEffect(() => () => {
    if (flushTimer.current) clearTimeout(flushTimer.current);
  }, []);

  const reconnect = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, lastSeq, retryInMs, reconnect };
}
