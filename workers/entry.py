"""Module the `dramatiq` CLI loads in each worker process (`weaver worker` runs it).

Importing it builds the broker from settings and declares the actors on it: the one place where
work happens at import time, because that is the contract of Dramatiq's command line. The services
come from the composition root and connect on first use, after the fork.
"""

from __future__ import annotations

import os
import secrets

import dramatiq

from app.bootstrap import build_services
from app.config import load_settings
from app.events.commands import ApplyTradeUpdate
from app.logs import configure_logging
from workers import runtime
from workers.live_boot import LiveBoot
from workers.prompt_polling import poll_queues_promptly
from workers.warm_up import warm_up

# A worker serves no API, so it does not demand the token (`weaver worker` does not either). The log
# format arrives resolved in WEAVER_LOG_FORMAT from `weaver worker`: this process's stderr is a pipe.
settings = load_settings(api_token=os.environ.get("WEAVER_API_TOKEN") or secrets.token_urlsafe(24))
configure_logging(settings.log_level, settings.log_format)
services = build_services(settings, listen=False)  # a worker reads no outbox: no LISTEN connection to wake
broker = services.queue.broker
dramatiq.set_broker(broker)
poll_queues_promptly(broker)
broker.add_middleware(LiveBoot(settings, lambda order: services.queue.send(ApplyTradeUpdate(order))))
runtime.install(services)
warm_up()
