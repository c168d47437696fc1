"""Dramatiq actors: thin, fed a command's type, id and primitive payload; idempotent (a redelivered
message does no harm: see app/services/commands.py).

They are declared on a given broker (not the global one), so a process can build its broker
from settings first and tests can use several brokers.
"""

from __future__ import annotations

import logging
from typing import Any

import dramatiq

from app.events.commands import decode
from app.events.context import correlated
from app.greta.records import collector_paused
from app.logs import bind_context, clear_context
from workers.runtime import runtime

log = logging.getLogger(__name__)

BACKTEST_TIME_LIMIT_MS = 6 * 60 * 60 * 1000
LIVE_TIME_LIMIT_MS = 5 * 60 * 1000


def handle(message: dict[str, Any]) -> Any:
    """Decode the command and run its handler in the command's correlation (its events are caused by it)."""
    command = decode(message["type"], message["payload"])
    bind_context(run_id=message.get("run_id"), correlation_id=message.get("corr_id"))
    try:
        with correlated(message.get("corr_id"), message.get("trace_id"), causation_id=message["id"]):
            return runtime().commands.handle(command, message["id"])
    finally:
        clear_context()


def declare_actors(broker: dramatiq.Broker) -> dict[str, dramatiq.Actor]:
    def backtest_command(message: dict[str, Any]) -> None:
        # The cyclic collector waits for the end of the message. A finished backtest leaves no cycle
        # (run_backtest), but a group of sweep cells' results stays alive until its store, and every
        # collection the store's allocations set off walked all their orders again: a sweep's
        # messages used 12-15 % less CPU with it paused. What a message leaves is collected after it.
        with collector_paused():
            outcome = handle(message)
        if outcome == "busy":
            # Another worker is executing it, or did until it died: look again once its
            # heartbeat would have gone stale, so a dead worker's run is always taken over.
            delay_ms = int(runtime().backtests.stale_after.total_seconds() * 1000) + 1000
            actors["backtest"].send_with_options(args=(message,), delay=delay_ms)

    def live_command(message: dict[str, Any]) -> None:
        handle(message)

    actors = {
        "backtest": dramatiq.actor(
            backtest_command, broker=broker, actor_name="backtest_command", queue_name="backtest", max_retries=0,
            time_limit=BACKTEST_TIME_LIMIT_MS,
        ),
        "live": dramatiq.actor(
            live_command, broker=broker, actor_name="live_command", queue_name="live", max_retries=0,
            time_limit=LIVE_TIME_LIMIT_MS,
        ),
    }
    return actors
