"""The live queue is polled at most LIVE_IDLE_MS apart, as the embedded worker polls it.

Dramatiq's command-line worker (the Procfile's `weaver worker --queues live`) polls an idle Redis
queue with a backoff growing to its worker timeout, one second: a bar's tick, due every second on
1-second bars, then waited a few hundred milliseconds in Redis before the worker looked (measured
by benchmarks/live_ten_runs.py). The CLI offers no option for it, so the broker's consumers for
the live queue are asked for a short timeout here; the backtest queue keeps Dramatiq's.
"""

from __future__ import annotations

from typing import Any

import dramatiq

LIVE_QUEUE = "live"
LIVE_IDLE_MS = 20  # one cheap Redis call per 20 ms while idle; a tick waits at most that long


def poll_live_promptly(broker: dramatiq.Broker) -> None:
    consume = broker.consume

    def consume_live_promptly(queue_name: str, prefetch: int = 1, timeout: int = 30_000) -> Any:
        if queue_name == LIVE_QUEUE:
            timeout = min(timeout, LIVE_IDLE_MS)
        return consume(queue_name, prefetch, timeout)

    broker.consume = consume_live_promptly  # type: ignore[method-assign]
