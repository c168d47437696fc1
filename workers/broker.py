"""The Dramatiq broker: Redis in production, the in-memory StubBroker in the embedded default.

Both get the same middleware, so actors behave the same either way. Built by a function, never at
import time: the composition root decides which one a process uses.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from app.config import Settings
from workers.heartbeat import HeartbeatStore, MemoryHeartbeats, RedisHeartbeats, WorkerHeartbeat
from workers.queue_wakeups import WakeOnEnqueue
from workers.queues import QUEUES


def build_broker(settings: Settings, *, namespace: str | None = None,
                 live_info: Callable[[], dict[str, Any]] | None = None) -> tuple[dramatiq.Broker, HeartbeatStore]:
    """`live_info`: what a live worker adds to its heartbeat (its last broker contact)."""
    namespace = namespace or os.environ.get("WEAVER_QUEUE_NAMESPACE", "weaver")
    store: HeartbeatStore
    if settings.broker == "redis":
        # A worker that dies mid-message stops heartbeating; after heartbeat_timeout its unacked
        # messages are redelivered to the survivors (the backtest actor is idempotent).
        broker: dramatiq.Broker = RedisBroker(
            url=settings.redis_url, namespace=namespace, heartbeat_timeout=settings.worker_heartbeat_timeout_ms,
            maintenance_chance=settings.queue_maintenance_chance,
        )
        store = RedisHeartbeats(settings.redis_url or "", namespace)
        broker.add_middleware(WakeOnEnqueue(broker.client, namespace))  # idle workers sleep until woken
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
        store = MemoryHeartbeats()
    broker.add_middleware(WorkerHeartbeat(store, f"{socket.gethostname()}:{os.getpid()}", live_info))
    for queue in QUEUES:
        broker.declare_queue(queue)
    return broker, store
