"""The command relay: reads commands from the outbox after its consumer offset and hands each one
to the queue (Dramatiq), then advances the offset.

Delivery is at least once: a crash between handing a command over and advancing the offset hands it
over again, and the handlers are idempotent (run state, command id). When the queue is away the
offset stays put and the relay retries, so a command is delayed, never lost. It runs in the
scheduler process (and in-process in standalone), never in the web process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.events.consumer import advance_offset, read_offset
from app.events.envelope import Event
from app.events.notifier import LocalNotifier
from app.events.reader import read_events
from app.walle.models import ConsumerOffset, OutboxEvent

log = logging.getLogger(__name__)
RELAY_NAME = "command-relay"
SKIP_EVERY_SECONDS = 1.0


class CommandRelay:
    def __init__(self, session_factory: sessionmaker[Session], deliver: Callable[[Event], None],
                 notifier: LocalNotifier | None = None, *, poll_seconds: float = 0.5, retry_seconds: float = 1.0,
                 batch: int = 500, name: str = RELAY_NAME):
        self.session_factory = session_factory
        self.deliver = deliver
        self.notifier = notifier or LocalNotifier()
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self.batch = batch
        self.name = name
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._skipped_at = float("-inf")  # when the offset last moved (monotonic seconds)

    def offset(self) -> int:
        return read_offset(self.session_factory, self.name)

    def poll(self) -> int:
        """Hand over every command committed after the offset; returns how many were handed over.
        Raises the queue's error when it is away (the offset then covers only what was handed over).

        Every commit that writes events wakes the relay, and most carry no command (a sweep's cells
        finishing): such a wake costs one read, and the offset moves past events that are not
        commands only once SKIP_EVERY_SECONDS (a write and a commit per wake cost the database as
        much as the commit that woke it)."""
        with self.session_factory() as session:
            offset, newest = session.execute(select(  # seqs commit in order: all up to `newest` is visible now
                select(ConsumerOffset.last_seq).where(ConsumerOffset.consumer == self.name).scalar_subquery(),
                select(func.max(OutboxEvent.seq)).scalar_subquery(),
            )).one()
            offset, newest = offset or 0, newest or 0
            commands = read_events(session, offset, commands=True, limit=self.batch) if newest > offset else []
        delivered = offset
        try:
            for command in commands:
                self.deliver(command)
                delivered = command.seq or delivered
        finally:
            # All handed over and no more to read: skip the events in between too.
            complete = len(commands) < self.batch and (not commands or delivered == commands[-1].seq)
            done = max(delivered, newest) if complete else delivered
            now = time.monotonic()
            if delivered > offset or (done > offset and now - self._skipped_at >= SKIP_EVERY_SECONDS):
                advance_offset(self.session_factory, self.name, done)
                self._skipped_at = now
        return len(commands)

    def start(self) -> None:
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._follow, name="command-relay", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.notifier.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _follow(self) -> None:
        version = self.notifier.version
        while not self._stopping.is_set():
            try:
                while self.poll() == self.batch and not self._stopping.is_set():
                    pass
            except Exception as exc:  # the queue or the database is away: try again shortly
                log.warning("command relay could not hand commands over (%s: %s); retrying",
                            exc.__class__.__name__, exc)
                self._stopping.wait(self.retry_seconds)
                continue
            version = self.notifier.wait(version, timeout=self.poll_seconds)
