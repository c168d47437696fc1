"""Dramatiq actors: thin, fed ids only, idempotent (a redelivered message does no harm).

They are declared on a given broker (not the global one), so a process can build its broker
from settings first and tests can use several brokers.
"""

from __future__ import annotations

import logging
from typing import Any

import dramatiq

from app.events.context import correlated
from app.logs import bind_context, clear_context
from workers.runtime import runtime

log = logging.getLogger(__name__)

BACKTEST_TIME_LIMIT_MS = 6 * 60 * 60 * 1000
LIVE_TIME_LIMIT_MS = 5 * 60 * 1000


def declare_actors(broker: dramatiq.Broker) -> dict[str, dramatiq.Actor]:
    def run_backtest(run_id: str, corr_id: str | None = None) -> None:
        bind_context(run_id=run_id, correlation_id=corr_id)
        try:
            with correlated(corr_id):
                outcome = runtime().backtests.execute(run_id)
            if outcome == "busy":
                # Another worker is executing it, or did until it died: look again once its
                # heartbeat would have gone stale, so a dead worker's run is always taken over.
                delay_ms = int(runtime().backtests.stale_after.total_seconds() * 1000) + 1000
                actors["run_backtest"].send_with_options(args=(run_id,), kwargs={"corr_id": corr_id}, delay=delay_ms)
        finally:
            clear_context()

    def live_command(command: str, run_id: str | None = None, corr_id: str | None = None, **kwargs: Any) -> None:
        bind_context(run_id=run_id, correlation_id=corr_id)
        try:
            with correlated(corr_id):
                runtime().live.handle(command, run_id, **kwargs)
        finally:
            clear_context()

    actors = {
        "run_backtest": dramatiq.actor(
            run_backtest, broker=broker, actor_name="run_backtest", queue_name="backtest", max_retries=0,
            time_limit=BACKTEST_TIME_LIMIT_MS,
        ),
        "live": dramatiq.actor(
            live_command, broker=broker, actor_name="live_command", queue_name="live", max_retries=0,
            time_limit=LIVE_TIME_LIMIT_MS,
        ),
    }
    return actors
