"""Bar-aligned ticks for every active paper and live run, with APScheduler.

The scheduler only records, at each bar of a timeframe, one `TickBar(timeframe, bar_ts, run_ids)`
command for all the runs on it in the outbox (the command relay in this same process hands it to the
live queue): the pinned live worker does everything else (market hours from the broker's clock, the
strategies, orders), for the bar's runs together. Runs started or stopped through the API are
picked up by a sync job every half second, without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock.realtime import RealtimeClock
from app.clock.system import Clock, SystemClock
from app.events.commands import TickBar, issue
from app.walle.models import Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
SYNC_JOB = "weaver-sync-runs"
BAR_JOB = "weaver-bar"


class BarTrigger(BaseTrigger):
    """Fires at every bar boundary of a timeframe plus the settle delay."""

    def __init__(self, clock: RealtimeClock):
        self.clock = clock

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        after = max(now, previous_fire_time) if previous_fire_time else now
        return self.clock.next_tick(after).fire_at

    def __str__(self) -> str:
        return f"bar[{self.clock.timeframe}+{self.clock.settle.total_seconds()}s]"


@dataclass(frozen=True)
class Fired:
    run_id: str
    bar_ts: datetime
    due: datetime
    fired: datetime

    @property
    def late_ms(self) -> float:
        return (self.fired - self.due).total_seconds() * 1000


class TickScheduler:
    def __init__(self, read_session: Callable[[], Session], uow: Callable[[], UnitOfWork], settle: timedelta,
                 sync_seconds: float = 0.5, clock: Clock | None = None):
        self.read_session = read_session
        self.uow = uow
        self.clock = clock or SystemClock()  # which bar a firing belongs to: tests inject their own
        self.settle = settle
        self.sync_seconds = sync_seconds
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 30,
        })
        self.fired: deque[Fired] = deque(maxlen=10_000)
        self._jobs: dict[str, str] = {}  # run id -> timeframe
        self._frames: dict[str, str] = {}  # timeframe -> its bar job's id
        self._lock = threading.Lock()
        self._stopping = False
        self.alive_at: datetime | None = None

    def start(self) -> None:
        self._stopping = False
        self.scheduler.add_job(self.sync, "interval", seconds=self.sync_seconds, id=SYNC_JOB,
                               next_run_time=self.clock.now())
        self.scheduler.start()

    def stop(self) -> None:
        # APScheduler's shutdown holds its job-store lock while it waits for running jobs, so a sync
        # adding or removing a bar job just then waited for that lock forever (a CI teardown hung 240 s).
        # Once `_stopping` is set under our lock, no sync touches the scheduler's jobs again.
        with self._lock:
            self._stopping = True
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def sync(self) -> None:
        """Follow the running paper/live runs: one trigger per timeframe in use, ticking all its runs."""
        self.alive_at = self.clock.now()
        with self.read_session() as session:
            active = {run_id: timeframe for run_id, timeframe in session.execute(
                select(Run.id, Run.timeframe).where(Run.mode.in_(("paper", "live")), Run.status == "running"))}
        with self._lock:
            if self._stopping:
                return
            for run_id in set(self._jobs) - set(active):
                del self._jobs[run_id]
                log.info("stopped ticking run", extra={"run_id": run_id})
            for run_id, timeframe in active.items():
                if self._jobs.get(run_id) != timeframe:
                    self._jobs[run_id] = timeframe
                    log.info("ticking run every %s (+%s settle)", timeframe, self.settle, extra={"run_id": run_id})
            timeframes = set(self._jobs.values())
            for timeframe in set(self._frames) - timeframes:
                self.scheduler.remove_job(self._frames.pop(timeframe))
            for timeframe in timeframes - set(self._frames):
                clock = RealtimeClock(timeframe, self.settle)
                job_id = self._frames[timeframe] = f"{BAR_JOB}-{timeframe}"
                self.scheduler.add_job(self._fire, BarTrigger(clock), args=(timeframe, clock), id=job_id,
                                       replace_existing=True)

    @property
    def active_runs(self) -> dict[str, str]:
        with self._lock:
            return dict(self._jobs)

    def _fire(self, timeframe: str, clock: RealtimeClock) -> None:
        """One command for the bar of every run on `timeframe`: the live worker ticks them together."""
        now = self.clock.now()
        tick = clock.last_tick(now)
        with self._lock:
            run_ids = sorted(run_id for run_id, frame in self._jobs.items() if frame == timeframe)
        if not run_ids:
            return
        self.fired.extend(Fired(run_id, tick.bar_ts, tick.fire_at, now) for run_id in run_ids)
        with self.uow() as uow:
            issue(uow.outbox, TickBar(timeframe, tick.bar_ts.isoformat(), run_ids))
            uow.commit()
