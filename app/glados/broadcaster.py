"""The SSE broadcaster (a singleton per web process, seed §5): one thread follows the outbox and
hands each committed event to every subscriber whose run filter matches.

Subscribers never read events straight from the queue alone: a new or resuming client first
replays from the outbox (see `stream_events`), so nothing committed is skipped and, because
sequence numbers only grow, nothing is sent twice.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.bootstrap import Container
from app.events.envelope import Event
from app.events.reader import last_seq, read_events
from app.glados.departures import closed_sockets

log = logging.getLogger(__name__)
_STOP = object()


@dataclass(eq=False)
class Subscription:
    run_id: str | None
    start_seq: int
    queue: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=20_000))
    overflowed: bool = False
    connection: socket.socket | None = None  # the client's socket, swept for EOF (SSE)
    connected: Callable[[], bool] | None = None  # or a liveness test (WebSocket)
    left: bool = False  # the client has gone: the stream ends


class Broadcaster:
    def __init__(self, container: Container, poll_seconds: float = 1.0, sweep_seconds: float = 1.0):
        self.container = container
        self.poll_seconds = poll_seconds
        self.sweep_seconds = sweep_seconds  # how often the clients that left are looked for
        self._subscribers: set[Subscription] = set()
        self._lock = threading.Lock()
        self._seq = 0
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def seq(self) -> int:
        return self._seq

    def start(self) -> None:
        if self._thread is not None:
            return
        with self.container.read_session() as session:
            self._seq = last_seq(session)
        self._thread = threading.Thread(target=self._follow, name="sse-broadcaster", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.container.notifier.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            for sub in self._subscribers:
                sub.queue.put_nowait(_STOP)

    def subscribe(self, run_id: str | None = None, connection: socket.socket | None = None,
                  connected: Callable[[], bool] | None = None) -> Subscription:
        with self._lock:
            sub = Subscription(run_id=run_id, start_seq=self._seq, connection=connection, connected=connected)
            self._subscribers.add(sub)
            return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def _follow(self) -> None:
        version = self.container.notifier.version
        swept = time.monotonic()
        while not self._stopping.is_set():
            if time.monotonic() - swept >= self.sweep_seconds:
                swept = time.monotonic()
                self._end_departed()
            try:
                while not self._skipped_unwatched():
                    with self.container.read_session() as session:
                        events = read_events(session, self._seq, limit=1000)
                    if not events:
                        break
                    self._publish(events)
            except Exception:  # the database may be restarting; keep following
                log.exception("broadcaster could not read the outbox; retrying")
                self._stopping.wait(1.0)
            version = self.container.notifier.wait(version, timeout=self.poll_seconds)

    def _skipped_unwatched(self) -> bool:
        """With no subscriber, move on to the newest event without reading any: nobody would be handed
        them, and a client that comes later replays from the outbox itself. A sweep's cells write
        hundreds of events a second, and reading them for nobody took the web process's CPU from the
        workers. Under the lock, so a client subscribing meanwhile starts from where this leaves off."""
        with self._lock:
            if self._subscribers:
                return False
            with self.container.read_session() as session:
                self._seq = max(self._seq, last_seq(session))
            return True

    def _end_departed(self) -> None:
        """End the streams whose clients have left, so each gives back its subscription and its thread
        (or greenlet) within about `sweep_seconds`, not at the next heartbeat's failed write."""
        with self._lock:
            subscribers = list(self._subscribers)
        try:
            closed = closed_sockets(sub.connection for sub in subscribers if sub.connection is not None)
            for sub in subscribers:
                if sub.connection in closed or (sub.connected is not None and not sub.connected()):
                    sub.left = True
                    try:
                        sub.queue.put_nowait(_STOP)
                    except queue.Full:
                        pass  # the stream is busy sending and sees `left` before it waits again
        except Exception:  # never let the sweep stop the broadcaster
            log.exception("could not check the stream clients")

    def _publish(self, events: list[Event]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
            self._seq = events[-1].seq or self._seq
        for sub in subscribers:
            for event in events:
                if sub.run_id is None or event.run_id == sub.run_id:
                    try:
                        sub.queue.put_nowait(event)
                    except queue.Full:
                        sub.overflowed = True  # the client re-reads from the outbox instead
                        break


def stream_events(
    broadcaster: Broadcaster, after: int | None, run_id: str | None, heartbeat_seconds: float,
    connection: socket.socket | None = None, connected: Callable[[], bool] | None = None,
) -> Iterator[Event | None]:
    """Events for one client in seq order, one at a time (None: a heartbeat is due); see `stream_batches`."""
    for batch in stream_batches(broadcaster, after, run_id, heartbeat_seconds, connection, connected):
        if batch:
            yield from batch
        else:
            yield None


def stream_batches(
    broadcaster: Broadcaster, after: int | None, run_id: str | None, heartbeat_seconds: float,
    connection: socket.socket | None = None, connected: Callable[[], bool] | None = None,
) -> Iterator[list[Event]]:
    """Events for one client in seq order, resuming after `after` (None: from now on), in batches of
    whatever has arrived (one write per batch, not per event); an empty batch when a heartbeat is due.
    Ends when the broadcaster stops, or when it finds that the client has left (its `connection`
    closed, or `connected()` false)."""
    sub = broadcaster.subscribe(run_id, connection, connected)  # first: the replay below covers everything older
    sent = sub.start_seq if after is None else after
    replay = after is not None
    try:
        while not sub.left:
            if replay or sub.overflowed:
                replay, sub.overflowed = False, False
                while True:
                    with broadcaster.container.read_session() as session:
                        events = read_events(session, sent, run_id=run_id, limit=1000)
                    if not events:
                        break
                    sent = events[-1].seq or sent
                    yield events
            try:
                items = [sub.queue.get(timeout=heartbeat_seconds)]
            except queue.Empty:
                yield []
                continue
            while len(items) < 1000:
                try:
                    items.append(sub.queue.get_nowait())
                except queue.Empty:
                    break
            batch = []
            for item in items:
                if item is _STOP:
                    return
                if item.seq > sent:  # already sent by the replay otherwise
                    sent = item.seq
                    batch.append(item)
            if batch:
                yield batch
    finally:
        broadcaster.unsubscribe(sub)
