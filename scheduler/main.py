"""The scheduler process (`weaver scheduler`): one per deployment. It records bar-aligned ticks and
runs the command relay, which hands every command in the outbox (the API's too) to Dramatiq."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from pathlib import Path

from app.bootstrap import build_services
from app.config import Settings
from app.logs import configure_logging
from scheduler.heartbeat import SchedulerHeartbeat
from scheduler.notifications import NotificationJobs
from scheduler.ticks import TickScheduler

log = logging.getLogger(__name__)
ALIVE_FILE = Path("/tmp/weaver-scheduler.alive")


def run_scheduler(settings: Settings) -> None:
    configure_logging(settings.log_level, settings.log_format)
    services = build_services(settings)  # listens: commits in the web processes wake the relay
    ticks = TickScheduler(services.container.read_session, services.uow,
                          timedelta(milliseconds=settings.settle_delay_ms), clock=services.clock)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    services.relay.start()
    ticks.start()
    notifying = NotificationJobs(services)  # channel followers, the daily summary, the worker watch
    notifying.start()
    beating = SchedulerHeartbeat(services.queue.heartbeats).start()  # read by /health and the healthcheck
    log.info("scheduler started (settle delay %d ms)", settings.settle_delay_ms)
    try:
        while not stop.wait(5):
            ALIVE_FILE.touch()  # read by the container healthcheck
    finally:
        notifying.stop()
        beating.stop()
        ticks.stop()
        services.close()
        log.info("scheduler stopped")
