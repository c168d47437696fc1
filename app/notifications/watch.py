"""Worker liveness for notifications: the heartbeats (workers/heartbeat.py) counted per queue every
few seconds; a queue whose last worker went silent records `worker.down`, its return `worker.up`.

A scheduler that starts before its workers says nothing for `grace` seconds; a queue still empty
then is down too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)


class WorkerWatch:
    def __init__(self, alive: Callable[[], dict[str, int]], uow: Callable[[], UnitOfWork],
                 queues: tuple[str, ...] = ("live", "backtest"), grace: timedelta = timedelta(seconds=60)):
        self.alive = alive
        self.uow = uow
        self.queues = queues
        self.grace = grace
        self._state: dict[str, str] = {}  # queue -> up | down
        self._empty_since: dict[str, datetime] = {}

    def check(self, now: datetime) -> list[str]:
        """Compare the live workers with what was seen before; returns the events recorded."""
        try:
            counts = self.alive()
        except Exception as exc:  # the queue's Redis is away: no news about the workers either
            log.warning("cannot read worker heartbeats (%s)", exc.__class__.__name__)
            return []
        changes: list[tuple[str, str, int]] = []
        for queue in self.queues:
            workers = counts.get(queue, 0)
            state = self._state.get(queue)
            if workers > 0:
                self._empty_since.pop(queue, None)
                if state == "down":
                    changes.append(("worker.up", queue, workers))
                self._state[queue] = "up"
            elif state == "up" or (state is None and now - self._empty_since.setdefault(queue, now) >= self.grace):
                changes.append(("worker.down", queue, 0))
                self._state[queue] = "down"
        if changes:
            with self.uow() as uow:
                for kind, queue, workers in changes:
                    uow.outbox.emit(kind, {"queue": queue, "workers": workers})
                uow.commit()
            for kind, queue, _ in changes:
                log.log(logging.ERROR if kind == "worker.down" else logging.INFO, "%s: %s queue", kind, queue)
        return [kind for kind, _, _ in changes]
