"""The SSE broadcaster (a singleton per web process, seed §5): one thread follows the outbox and
hands each committed event to every subscriber whose run filter matches.

Subscribers never read events straight from the queue alone: a new or resuming client first
replays from the outbox (see `stream_events`), so nothing committed is skipped and, because
sequence numbers only grow, nothing is sent twice.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.bootstrap import Container
from app.events.envelope import Event
from app.events.reader import last_seq, read_events

log = logging.getLogger(__name__)
_STOP = object()


@dataclass(eq=False)
class Subscription:
    run_id: str | None
    start_seq: int
    queue: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=20_000))
    overflowed: bool = False


class Broadcaster:
    def __init__(self, container: Container, poll_seconds: float = 1.0):
        self.container = container
        self.poll_seconds = poll_seconds
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

    def subscribe(self, run_id: str | None = None) -> Subscription:
        with self._lock:
            sub = Subscription(run_id=run_id, start_seq=self._seq)
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
        while not self._stopping.is_set():
            try:
                while True:
                    with self.container.read_session() as session:
                        events = read_events(session, self._seq, limit=1000)
                    if not events:
                        break
                    self._publish(events)
            except Exception:  # the database may be restarting; keep following
                log.exception("broadcaster could not read the outbox; retrying")
                self._stopping.wait(1.0)
            version = self.container.notifier.wait(version, timeout=self.poll_seconds)

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
    client_gone: Callable[[], bool] = lambda: False, check_seconds: float = 1.0,
) -> Iterator[Event | None]:
    """Events for one client in seq order, resuming after `after` (None: from now on).
    Yields None when a heartbeat is due (after `heartbeat_seconds` without an event). Ends when the
    broadcaster stops or, checked every `check_seconds` while idle, when `client_gone()` says the
    client has disconnected: a closed stream gives its subscription (and its thread) back within
    seconds, not at the next heartbeat's failed write."""
    sub = broadcaster.subscribe(run_id)  # subscribe first: the replay below covers everything older
    sent = sub.start_seq if after is None else after
    replay = after is not None
    beat_due = time.monotonic() + heartbeat_seconds
    try:
        while True:
            if replay or sub.overflowed:
                replay, sub.overflowed = False, False
                while True:
                    with broadcaster.container.read_session() as session:
                        events = read_events(session, sent, run_id=run_id, limit=1000)
                    if not events:
                        break
                    for event in events:
                        sent = event.seq or sent
                        yield event
            try:
                item = sub.queue.get(timeout=max(0.0, min(check_seconds, beat_due - time.monotonic())))
            except queue.Empty:
                if client_gone():
                    return
                if time.monotonic() >= beat_due:
                    beat_due = time.monotonic() + heartbeat_seconds
                    yield None
                continue
            if item is _STOP:
                return
            if item.seq > sent:  # already sent by the replay otherwise
                sent = item.seq
                beat_due = time.monotonic() + heartbeat_seconds
                yield item
    finally:
        broadcaster.unsubscribe(sub)
