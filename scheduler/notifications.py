"""The notification side of the scheduler process (and of standalone): the channel followers, the
daily summary after the US close and the worker watch, on their own APScheduler. With no channel
configured none of it runs (nothing would be told)."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from app.bootstrap import Services
from app.clock.realtime import NEW_YORK
from app.notifications.daily import SUMMARY_TIME, summarise_day
from app.notifications.watch import WorkerWatch

log = logging.getLogger(__name__)
SUMMARY_JOB = "weaver-daily-summary"
WATCH_JOB = "weaver-worker-watch"


class NotificationJobs:
    def __init__(self, services: Services, *, watch_seconds: float = 10.0, watch_workers: bool = True):
        self.services = services
        self.watch_seconds = watch_seconds
        self.watch = WorkerWatch(lambda: services.queue.heartbeats.alive(), services.uow) if watch_workers else None
        self._summarising = threading.Lock()  # the start's catch-up and the daily job may meet
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600,
        })

    def start(self) -> None:
        channels = self.services.notifications.channels
        if not channels:
            log.info("notifications off (WEAVER_NOTIFY_URLS is empty)")
            return
        log.info("notifying %s", ", ".join(c.masked for c in channels))
        self.services.notifications.start()
        self.scheduler.add_job(self.summarise, CronTrigger(day_of_week="mon-fri", hour=SUMMARY_TIME.hour,
                                                           minute=SUMMARY_TIME.minute, timezone=NEW_YORK),
                               id=SUMMARY_JOB)
        if self.watch is not None:
            self.scheduler.add_job(self.check_workers, "interval", seconds=self.watch_seconds, id=WATCH_JOB,
                                   next_run_time=datetime.now(UTC) + timedelta(seconds=self.watch_seconds))
        self.scheduler.start()
        local = datetime.now(UTC).astimezone(NEW_YORK)
        if local.weekday() < 5 and local.time() >= SUMMARY_TIME:  # started after today's summary time
            self.scheduler.add_job(self.summarise, id=f"{SUMMARY_JOB}-catch-up")

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.services.notifications.stop()

    def summarise(self) -> int:
        """Once per run and day even when two calls meet: each checks what is recorded, one at a time."""
        with self._summarising:
            return summarise_day(self.services.uow, self.services.clock.now())

    def check_workers(self) -> list[str]:
        assert self.watch is not None
        return self.watch.check(self.services.clock.now())
