"""Process heartbeats for the health endpoint and the metrics: every worker process (and the
scheduler) writes what it is and what it last saw every few seconds, with a time to live, so a dead
process disappears on its own. Redis in production; a dict in the embedded default (one process)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import dramatiq
import redis as redis_lib
from dramatiq.middleware import Middleware

from workers.queues import served

TTL_SECONDS = 20
INTERVAL_SECONDS = 5
WORKER, SCHEDULER = "worker", "scheduler"


@dataclass(frozen=True)
class Beat:
    """One process's last heartbeat: `at` is wall-clock epoch seconds (compared across hosts)."""

    role: str
    name: str
    queues: tuple[str, ...]
    at: float
    info: dict[str, Any] = field(default_factory=dict)

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.at)


def count_by_queue(beats: list[Beat]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for beat in beats:
        if beat.role == WORKER:
            for queue in beat.queues:
                counts[queue] = counts.get(queue, 0) + 1
    return counts


class HeartbeatStore(Protocol):
    def beat(self, name: str, queues: list[str], info: dict[str, Any] | None = None, role: str = WORKER) -> None: ...

    def beats(self) -> list[Beat]:
        """Every live heartbeat (younger than the TTL)."""
        ...

    def forget(self, name: str, role: str = WORKER) -> None:
        """A process stopping cleanly: gone now, not when its heartbeat expires."""
        ...

    def alive(self) -> dict[str, int]:
        """Live worker count per queue."""
        ...

    def ping(self) -> dict[str, Any]: ...


class MemoryHeartbeats:
    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], Beat] = {}

    def beat(self, name: str, queues: list[str], info: dict[str, Any] | None = None, role: str = WORKER) -> None:
        self._seen[(role, name)] = Beat(role, name, tuple(queues), time.time(), info or {})

    def beats(self) -> list[Beat]:
        return [b for b in list(self._seen.values()) if b.age() < TTL_SECONDS]

    def forget(self, name: str, role: str = WORKER) -> None:
        self._seen.pop((role, name), None)

    def alive(self) -> dict[str, int]:
        return count_by_queue(self.beats())

    def ping(self) -> dict[str, Any]:
        return {"ok": True, "backend": "memory"}


class RedisHeartbeats:
    def __init__(self, url: str, namespace: str):
        self.client = redis_lib.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.namespace = namespace

    def key(self, role: str, name: str = "") -> str:
        return f"{self.namespace}:weaver-{role}s:{name}"  # weaver-workers:<host>:<pid>:<worker>

    def beat(self, name: str, queues: list[str], info: dict[str, Any] | None = None, role: str = WORKER) -> None:
        value = json.dumps({"queues": queues, "at": time.time(), "info": info or {}}, default=str)
        self.client.set(self.key(role, name), value, ex=TTL_SECONDS)

    def beats(self) -> list[Beat]:
        found: list[Beat] = []
        for role in (WORKER, SCHEDULER):
            prefix = self.key(role)
            keys = list(self.client.scan_iter(prefix + "*", count=500))
            for key, raw in zip(keys, self.client.mget(keys) if keys else [], strict=True):
                if raw is not None:
                    found.append(_decode(role, key.decode().removeprefix(prefix), raw))
        return found

    def forget(self, name: str, role: str = WORKER) -> None:
        self.client.delete(self.key(role, name))

    def alive(self) -> dict[str, int]:
        return count_by_queue(self.beats())

    def ping(self) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            self.client.ping()
        except redis_lib.RedisError as exc:
            return {"ok": False, "backend": "redis", "error": f"{exc.__class__.__name__}: {exc}"}
        return {"ok": True, "backend": "redis", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def _decode(role: str, name: str, raw: bytes) -> Beat:
    try:
        data = json.loads(raw)
        return Beat(role, name, tuple(data.get("queues", ())), float(data.get("at", 0)), data.get("info") or {})
    except (ValueError, AttributeError):  # an older worker's "backtest,live": alive, age unknown
        return Beat(role, name, tuple(q for q in raw.decode(errors="replace").split(",") if q), time.time())


def start_beating(store: HeartbeatStore, name: str, queues: list[str], info: Callable[[], dict[str, Any]],
                  role: str = WORKER) -> threading.Event:
    """Beat from a daemon thread until the returned event is set, then forget the heartbeat; a failed
    beat (Redis restarting) is skipped, the next one will do."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                store.beat(name, queues, info(), role)
            except Exception:  # noqa: S110 - the next beat retries; health reports the silence
                pass
            stop.wait(INTERVAL_SECONDS)
        try:
            store.forget(name, role)
        except Exception:  # noqa: S110 - it expires on its own after TTL_SECONDS
            pass

    threading.Thread(target=loop, name=f"{role}-heartbeat", daemon=True).start()
    return stop


class WorkerHeartbeat(Middleware):
    """Starts a beating thread when a worker boots; stops it when the worker shuts down. A worker
    on the live queue adds `live_info()` (what it last saw of the broker) to each beat."""

    def __init__(self, store: HeartbeatStore, process_id: str,
                 live_info: Callable[[], dict[str, Any]] | None = None):
        self.store = store
        self.process_id = process_id
        self.live_info = live_info
        self._stops: dict[int, threading.Event] = {}

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        queues = served(q for q in (worker.consumer_whitelist or broker.get_declared_queues()) if "." not in q)
        live_info = self.live_info if "live" in queues and self.live_info is not None else dict
        self._stops[id(worker)] = start_beating(self.store, f"{self.process_id}:{id(worker)}", queues, live_info)

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        stop = self._stops.pop(id(worker), None)
        if stop is not None:
            stop.set()
