"""Module the `dramatiq` CLI loads in each worker process (`weaver worker` runs it).

Importing it builds the broker from settings and declares the actors on it: the one place where
work happens at import time, because that is the contract of Dramatiq's command line.
"""

from __future__ import annotations

import dramatiq

from app.config import load_settings
from app.logs import configure_logging
from workers.actors import declare_actors
from workers.broker import build_broker
from workers.bus import DramatiqCommandBus
from workers.live_boot import LiveBoot

settings = load_settings()
configure_logging(settings.log_level, settings.log_format)
broker, heartbeats = build_broker(settings)
dramatiq.set_broker(broker)
actors = declare_actors(broker)
bus = DramatiqCommandBus(actors)
broker.add_middleware(LiveBoot(settings, lambda order: bus.live("update", order=order)))
