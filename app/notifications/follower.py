"""One channel's follower: reads the outbox after the channel's own offset, tells what is worth
telling, and stores the result with the new offset in one transaction.

So a restart goes on where it stopped (nothing lost, nothing told twice, bar a crash in the instant
between the service's answer and that commit), a failing channel retries with backoff without
holding up the others, and after its last attempt it records the failure and moves on. A channel
seen for the first time starts at the end of the outbox: it is not sent the past.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.events.envelope import Event
from app.events.notifier import LocalNotifier
from app.events.reader import last_seq, read_events
from app.notifications.channels import Attempt, Channel
from app.notifications.messages import TOLD, Describer, Notification
from app.walle.models import ConsumerOffset
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    attempts: int = 4
    first_wait: float = 2.0
    max_wait: float = 60.0

    def wait(self, attempt: int) -> float:
        """The pause after failed attempt number `attempt` (1-based)."""
        return min(self.first_wait * 2 ** (attempt - 1), self.max_wait)


class ChannelFollower:
    def __init__(self, channel: Channel, session_factory: sessionmaker[Session], read_session: Callable[[], Session],
                 uow: Callable[[], UnitOfWork], notifier: LocalNotifier, *, backoff: Backoff | None = None,
                 poll_seconds: float = 1.0, batch: int = 200):
        self.channel = channel
        self.name = f"notify:{channel.id}"
        self.session_factory = session_factory
        self.read_session = read_session  # reads never take SQLite's write lock
        self.uow = uow
        self.notifier = notifier
        self.backoff = backoff or Backoff()
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.describer = Describer()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self.offset()  # a new channel's starting point is now, not when its thread first reads
            self._stopping.clear()
            self._thread = threading.Thread(target=self._follow, name=f"notify-{self.channel.id}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.notifier.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def offset(self) -> int:
        with self.read_session() as session:
            row = session.get(ConsumerOffset, self.name)
            if row is not None:
                return row.last_seq
        with self.session_factory() as session, session.begin():
            start = last_seq(session)
            _move(session, self.name, start)
            return start

    def poll(self) -> int:
        """Tell everything committed after the offset (one batch); returns how many events were read."""
        offset = self.offset()
        with self.read_session() as session:
            newest = last_seq(session)  # seqs commit in order: all up to here is visible now
            events = read_events(session, offset, types=TOLD, limit=self.batch)
        for event in events:
            if self._stopping.is_set():
                return len(events)
            try:
                with self.read_session() as session:
                    note = self.describer.describe(event, session)
            except Exception:  # one event it cannot word must not hold the channel up
                log.exception("cannot describe event %s (seq %s); not told", event.type, event.seq)
                continue
            if note is None:
                continue
            attempt = self.deliver(note)
            if attempt is None:  # stopped while retrying: told again after the restart
                return len(events)
            self._record(event, note, *attempt)
        done = events[-1].seq or offset if events else offset
        if len(events) < self.batch:
            done = max(done, newest)
        if done > offset:
            self._advance(done)
        return len(events)

    def deliver(self, note: Notification) -> tuple[Attempt, int] | None:
        """Send with bounded retries; the last attempt and how many were made (None: stopped meanwhile)."""
        for number in range(1, self.backoff.attempts + 1):
            attempt = self.channel.send(note.title, note.body, note.level)
            if attempt.ok:
                return attempt, number
            log.warning("notification to %s failed (attempt %d of %d): %s", self.channel.masked, number,
                        self.backoff.attempts, attempt.detail)
            if number < self.backoff.attempts and self._stopping.wait(self.backoff.wait(number)):
                return None
        log.error("notification to %s given up after %d attempts: %s", self.channel.masked, self.backoff.attempts,
                  note.title)
        return attempt, self.backoff.attempts

    def _record(self, event: Event, note: Notification, attempt: Attempt, attempts: int) -> None:
        with self.uow() as uow:
            uow.outbox.emit("notification.sent", {
                "channel": self.channel.id, "status": "delivered" if attempt.ok else "failed", "attempts": attempts,
                "subject": event.type, "detail": attempt.detail if not attempt.ok else note.title[:300],
            }, causation_id=event.id)
            _move(uow.session, self.name, event.seq or 0)
            uow.commit()

    def _advance(self, seq: int) -> None:
        with self.session_factory() as session, session.begin():
            _move(session, self.name, seq)

    def _follow(self) -> None:
        version = self.notifier.version
        while not self._stopping.is_set():
            try:
                while self.poll() == self.batch and not self._stopping.is_set():
                    pass
            except Exception as exc:  # the database is away: try again shortly
                log.warning("notifier %s could not read the outbox (%s: %s)", self.channel.masked,
                            exc.__class__.__name__, exc)
                self._stopping.wait(self.poll_seconds)
                continue
            version = self.notifier.wait(version, timeout=self.poll_seconds)


def _move(session: Session, name: str, seq: int) -> None:
    row = session.get(ConsumerOffset, name, with_for_update=True)
    if row is None:
        session.add(ConsumerOffset(consumer=name, last_seq=seq))
    elif seq > row.last_seq:
        row.last_seq = seq
