"""The scheduler process (`weaver scheduler`): one per deployment."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from pathlib import Path

from app.bootstrap import bootstrap
from app.config import Settings
from app.logs import configure_logging
from scheduler.ticks import TickScheduler

log = logging.getLogger(__name__)
ALIVE_FILE = Path("/tmp/weaver-scheduler.alive")


def run_scheduler(settings: Settings) -> None:
    from workers.actors import declare_actors
    from workers.broker import build_broker
    from workers.bus import DramatiqCommandBus

    configure_logging(settings.log_level, settings.log_format)
    container = bootstrap(settings, listen=False)
    broker, _ = build_broker(settings)
    ticks = TickScheduler(container.session_factory, DramatiqCommandBus(declare_actors(broker)),
                          timedelta(milliseconds=settings.settle_delay_ms))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    ticks.start()
    log.info("scheduler started (settle delay %d ms)", settings.settle_delay_ms)
    try:
        while not stop.wait(5):
            ALIVE_FILE.touch()  # read by the container healthcheck
    finally:
        ticks.stop()
        container.close()
        log.info("scheduler stopped")
