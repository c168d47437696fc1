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


CELLS_PRIORITY = 10  # Dramatiq runs the lowest first: single backtests (0) before a sweep's next cells


def declare_actors(broker: dramatiq.Broker) -> dict[str, dramatiq.Actor]:
    """One actor per queue of workers/queues.py; the two backtest queues run the same handler."""

    def backtest_actor(queue: str, name: str, priority: int) -> dramatiq.Actor:
        def run(message: dict[str, Any]) -> None:
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
                actors[queue].send_with_options(args=(message,), delay=delay_ms)

        run.__name__ = name
        return dramatiq.actor(run, broker=broker, actor_name=name, queue_name=queue, priority=priority,
                              max_retries=0, time_limit=BACKTEST_TIME_LIMIT_MS)

    def live_command(message: dict[str, Any]) -> None:
        handle(message)

    actors = {
        "backtest": backtest_actor("backtest", "backtest_command", 0),
        "backtest_cells": backtest_actor("backtest_cells", "backtest_cells_command", CELLS_PRIORITY),
        "live": dramatiq.actor(
            live_command, broker=broker, actor_name="live_command", queue_name="live", max_retries=0,
            time_limit=LIVE_TIME_LIMIT_MS,
        ),
    }
    return actors
