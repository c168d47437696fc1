"""Module the `dramatiq` CLI loads in each worker process (`weaver worker` runs it).

Importing it builds the broker from settings and declares the actors on it: the one place where
work happens at import time, because that is the contract of Dramatiq's command line.
"""

from __future__ import annotations

import os
import secrets

import dramatiq

from app.config import load_settings
from app.logs import configure_logging
from workers.actors import declare_actors
from workers.broker import build_broker
from workers.bus import DramatiqCommandBus
from workers.live_boot import LiveBoot

# A worker serves no API, so it does not demand the token (`weaver worker` does not either). The log
# format arrives resolved in WEAVER_LOG_FORMAT from `weaver worker`: this process's stderr is a pipe.
settings = load_settings(api_token=os.environ.get("WEAVER_API_TOKEN") or secrets.token_urlsafe(24))
configure_logging(settings.log_level, settings.log_format)
broker, heartbeats = build_broker(settings)
dramatiq.set_broker(broker)
actors = declare_actors(broker)
bus = DramatiqCommandBus(actors)
broker.add_middleware(LiveBoot(settings, lambda order: bus.live("update", order=order)))
