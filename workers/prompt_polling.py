"""Idle queues are polled every few tens of milliseconds, not up to a second apart, and a thread that
finishes a message gets the next one at once.

Dramatiq's command-line worker (the Procfile's `weaver worker`) polls an idle Redis queue with a
backoff growing to its worker timeout, one second. On the live queue a bar's tick, due every second
on 1-second bars, then waited a few hundred milliseconds in Redis before the worker looked (measured
by benchmarks/live_ten_runs.py); on the backtest queue a sweep posted to idle workers waited up to a
second for its cells to be created, and the second worker up to another second before it joined in
(benchmarks/sweep_throughput.py: a 48-cell sweep lasts about two seconds). The CLI offers no option
for it, so the broker's consumers are asked for a short timeout here. The price: one Redis call per
idle poll (a few dozen a second per idle process).

While every message a consumer may hold is in hand (its prefetch is the process's threads), the
consumer does not poll at all, but Dramatiq still sleeps through the same backoff: the next message
was fetched up to IDLE_MS after a thread finished one (a 48-cell sweep's eight messages lost 30-60 ms
each). `PromptConsumer` waits instead for an acknowledgement and fetches as soon as one comes.

An idle consumer on Redis waits for a wake-up instead (workers/queue_wakeups.py): a message enqueued
on its queue wakes it at once, and WOKEN_IDLE_MS is then only how often it looks when no wake-up came.
"""

from __future__ import annotations

import threading
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from workers.queue_wakeups import WakeListener

# The longest a message waits in Redis for an idle worker that polls.
IDLE_MS = {"live": 20, "backtest": 50, "backtest_cells": 50}
# How often an idle worker that is woken on each enqueue looks anyway (a wake-up lost with Redis away).
WOKEN_IDLE_MS = {"live": 250, "backtest": 500, "backtest_cells": 500}
# A sweep's messages follow one another; the live queue keeps Dramatiq's pace (when it polls).
PROMPT_WHEN_FULL = {"backtest", "backtest_cells"}


class PromptConsumer:
    """A Redis consumer that, while full, waits for a thread to free up rather than for its backoff
    (`when_full`), and while idle, for a wake-up (`wake`: the inner consumer then polls without a
    backoff of its own), each for `wait_ms` at most."""

    def __init__(self, inner: Any, wait_ms: int, *, when_full: bool = True, wake: WakeListener | None = None) -> None:
        self.inner = inner
        self.wait_seconds = wait_ms / 1000
        self.when_full = when_full
        self.wake = wake
        self.freed = threading.Event()

    def __iter__(self) -> PromptConsumer:
        return self

    def __next__(self) -> Any:
        inner = self.inner
        if self.when_full and not inner.message_cache and inner.outstanding_message_count >= inner.prefetch:
            self.freed.clear()  # before the second look: an ack between the two is not missed
            if inner.outstanding_message_count >= inner.prefetch:
                self.freed.wait(self.wait_seconds)
            return None  # Dramatiq's loop handles delayed messages and comes back
        message = next(inner)
        if message is None and self.wake is not None:  # nothing in Redis: sleep until something is
            self.wake.wait(self.wait_seconds)
        return message

    def ack(self, message: Any) -> None:
        try:
            self.inner.ack(message)
        finally:
            self.freed.set()

    def nack(self, message: Any) -> None:
        try:
            self.inner.nack(message)
        finally:
            self.freed.set()

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if self.wake is not None:
                self.wake.close()

    def __getattr__(self, name: str) -> Any:  # requeue, ...: the consumer's own
        return getattr(self.inner, name)


def poll_queues_promptly(broker: dramatiq.Broker) -> None:
    consume = broker.consume

    def consume_promptly(queue_name: str, prefetch: int = 1, timeout: int = 30_000) -> Any:
        if queue_name not in IDLE_MS:
            return consume(queue_name, prefetch, timeout)
        if isinstance(broker, RedisBroker):  # woken on each enqueue (its broker publishes them: build_broker)
            wake = WakeListener(broker.client, broker.namespace, queue_name)
            wait_ms = min(timeout, WOKEN_IDLE_MS[queue_name])
            # Full, it waits for an ack, whatever the queue: it no longer polls while it waits.
            return PromptConsumer(consume(queue_name, prefetch, 1), wait_ms, wake=wake)
        timeout = min(timeout, IDLE_MS[queue_name])
        consumer = consume(queue_name, prefetch, timeout)
        if queue_name in PROMPT_WHEN_FULL and hasattr(consumer, "outstanding_message_count") and hasattr(
                consumer, "message_cache"):
            return PromptConsumer(consumer, timeout)
        return consumer

    broker.consume = consume_promptly  # type: ignore[method-assign]
