"""The scheduler's heartbeat: the same store as the workers' (Redis, or in-process in standalone),
so /health can tell whether anything is recording ticks and relaying commands."""

from __future__ import annotations

import os
import socket
import threading

from workers.heartbeat import SCHEDULER, HeartbeatStore, start_beating


class SchedulerHeartbeat:
    """Beats every few seconds between start() and stop()."""

    def __init__(self, store: HeartbeatStore):
        self.store = store
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._stop: threading.Event | None = None

    def start(self) -> SchedulerHeartbeat:
        if self._stop is None:
            self._stop = start_beating(self.store, self.name, [], lambda: {"pid": os.getpid()}, role=SCHEDULER)
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
