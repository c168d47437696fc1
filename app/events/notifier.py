"""Wake readers when new events are committed.

`LocalNotifier` is an in-process signal (SQLite, and every process's local fast path);
`PostgresNotifier` adds a background `LISTEN` connection so commits in other processes wake it too.
Readers never trust a notification alone: they re-read the outbox after their last seq and also
wake on a timeout, so a lost notification can delay an event but never lose it.
"""

from __future__ import annotations

import logging
import os
import threading

import psycopg

from app.events.outbox import CHANNEL

log = logging.getLogger(__name__)


class LocalNotifier:
    """A version counter and a condition: `wait(seen)` returns once the version moves on."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._version = 0

    @property
    def version(self) -> int:
        return self._version

    def notify(self) -> None:
        with self._cond:
            self._version += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self._version != seen, timeout=timeout)
            return self._version

    def start(self) -> None:
        """Nothing to start in process."""

    def stop(self) -> None:
        self.notify()


class PostgresNotifier(LocalNotifier):
    """LISTENs on the outbox channel in a daemon thread and reconnects after failures."""

    def __init__(self, dsn: str, reconnect_delay: float = 1.0):
        super().__init__()
        self.dsn = dsn.replace("postgresql+psycopg://", "postgresql://")
        self.reconnect_delay = reconnect_delay
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        # A channel only this listener hears: stop() notifies it so the listener ends at once rather than
        # at its next poll (half a second, which every container closed in the tests used to wait out).
        self._stop_channel = f"weaver_stop_{os.getpid()}_{id(self):x}"

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-listen", daemon=True)
            self._thread.start()

    def wait_until_listening(self, timeout: float = 5.0) -> bool:
        return self._listening.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            if self._listening.is_set():
                self._wake_listener()
            self._thread.join(timeout=5)
            self._thread = None
        super().stop()

    def _wake_listener(self) -> None:
        """NOTIFY this listener's own channel; if the database cannot be reached, the join waits out the poll."""
        try:
            with psycopg.connect(self.dsn, autocommit=True, connect_timeout=2) as conn:
                conn.execute(f"NOTIFY {self._stop_channel}")
        except psycopg.Error:
            pass

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {self._stop_channel}")
                    self._listening.set()
                    self.notify()  # anything committed while we were not listening gets re-read
                    while not self._stopping.is_set():
                        if any(note.channel == CHANNEL for note in conn.notifies(timeout=0.5, stop_after=1)):
                            self.notify()
            except psycopg.Error as exc:
                self._listening.clear()
                log.warning("outbox listener lost its connection (%s); reconnecting", exc)
                self._stopping.wait(self.reconnect_delay)
