"""Worker liveness for the health endpoint: each worker process reports its queues every few seconds."""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

import dramatiq
import redis as redis_lib
from dramatiq.middleware import Middleware

TTL_SECONDS = 20
INTERVAL_SECONDS = 5


class HeartbeatStore(Protocol):
    def beat(self, worker: str, queues: list[str]) -> None: ...

    def alive(self) -> dict[str, int]:
        """Live worker count per queue."""
        ...

    def ping(self) -> dict[str, Any]: ...


class MemoryHeartbeats:
    def __init__(self) -> None:
        self._seen: dict[str, tuple[float, list[str]]] = {}

    def beat(self, worker: str, queues: list[str]) -> None:
        self._seen[worker] = (time.monotonic(), queues)

    def alive(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for seen, queues in list(self._seen.values()):
            if time.monotonic() - seen < TTL_SECONDS:
                for queue in queues:
                    counts[queue] = counts.get(queue, 0) + 1
        return counts

    def ping(self) -> dict[str, Any]:
        return {"ok": True, "backend": "memory"}


class RedisHeartbeats:
    def __init__(self, url: str, namespace: str):
        self.client = redis_lib.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = f"{namespace}:weaver-workers:"

    def beat(self, worker: str, queues: list[str]) -> None:
        self.client.set(self.prefix + worker, ",".join(queues), ex=TTL_SECONDS)

    def alive(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key in self.client.scan_iter(self.prefix + "*"):
            for queue in (self.client.get(key) or b"").decode().split(","):
                if queue:
                    counts[queue] = counts.get(queue, 0) + 1
        return counts

    def ping(self) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            self.client.ping()
        except redis_lib.RedisError as exc:
            return {"ok": False, "backend": "redis", "error": exc.__class__.__name__}
        return {"ok": True, "backend": "redis", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


class WorkerHeartbeat(Middleware):
    """Starts a beating thread when a worker boots; stops it when the worker shuts down."""

    def __init__(self, store: HeartbeatStore, process_id: str):
        self.store = store
        self.process_id = process_id
        self._stops: dict[int, threading.Event] = {}

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        queues = sorted(q for q in (worker.consumer_whitelist or broker.get_declared_queues()) if "." not in q)
        name = f"{self.process_id}:{id(worker)}"
        stop = threading.Event()
        self._stops[id(worker)] = stop

        def beat() -> None:
            while not stop.is_set():
                try:
                    self.store.beat(name, queues)
                except Exception:  # Redis restarting: the next beat will do
                    pass
                stop.wait(INTERVAL_SECONDS)

        threading.Thread(target=beat, name="worker-heartbeat", daemon=True).start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        stop = self._stops.pop(id(worker), None)
        if stop is not None:
            stop.set()
