"""Idle queues are polled every few tens of milliseconds, not up to a second apart.

Dramatiq's command-line worker (the Procfile's `weaver worker`) polls an idle Redis queue with a
backoff growing to its worker timeout, one second. On the live queue a bar's tick, due every second
on 1-second bars, then waited a few hundred milliseconds in Redis before the worker looked (measured
by benchmarks/live_ten_runs.py); on the backtest queue a sweep posted to idle workers waited up to a
second for its cells to be created, and the second worker up to another second before it joined in
(benchmarks/sweep_throughput.py: a 48-cell sweep lasts about two seconds). The CLI offers no option
for it, so the broker's consumers are asked for a short timeout here. The price: one Redis call per
idle poll (a few dozen a second per idle process).
"""

from __future__ import annotations

from typing import Any

import dramatiq

IDLE_MS = {"live": 20, "backtest": 50}  # the longest a message waits in Redis for an idle worker


def poll_queues_promptly(broker: dramatiq.Broker) -> None:
    consume = broker.consume

    def consume_promptly(queue_name: str, prefetch: int = 1, timeout: int = 30_000) -> Any:
        if queue_name in IDLE_MS:
            timeout = min(timeout, IDLE_MS[queue_name])
        return consume(queue_name, prefetch, timeout)

    broker.consume = consume_promptly  # type: ignore[method-assign]
