"""Readiness: every part of a deployment, each probed within a short timeout, none able to turn
the answer into an exception. Heartbeats tell the workers and the scheduler apart; the broker is
reported as the live worker last saw it (the web process never calls it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from app.bootstrap import Container
from app.config import Settings, strip_password
from workers.heartbeat import SCHEDULER, TTL_SECONDS, WORKER, Beat, HeartbeatStore, count_by_queue

PROBE_TIMEOUT_SECONDS = 3.0
COMPONENTS = ("database", "redis", "backtest_workers", "live_worker", "scheduler", "broker")
Component = dict[str, Any]


@dataclass
class HealthSources:
    settings: Settings
    container: Container
    heartbeats: Callable[[], HeartbeatStore]  # built on first use (the web process needs no queue to start)


def check_health(sources: HealthSources, timeout: float = PROBE_TIMEOUT_SECONDS) -> dict[str, Any]:
    """`{status, components, failing, workers}`: status "ok" only when every component is ok."""
    store = sources.heartbeats()  # built once here (no connection yet), then shared by two probes
    pool = ThreadPoolExecutor(max_workers=3, thread_name_prefix="health")
    futures = {"database": pool.submit(probe_database, sources.container),
               "redis": pool.submit(probe_queue, sources.settings, store),
               "beats": pool.submit(store.beats)}
    wait(futures.values(), timeout=timeout)
    pool.shutdown(wait=False, cancel_futures=True)  # a hung probe finishes (or times out) on its own
    results: dict[str, Any] = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = TimeoutError(f"no answer within {timeout:g} s")
        else:
            results[name] = future.exception() or future.result()
    components: dict[str, Component] = {
        "database": _component(results["database"]),
        "redis": _component(results["redis"]),
    }
    beats = results["beats"]
    if isinstance(beats, BaseException):
        error = f"heartbeats unreadable: {_describe(beats)}"
        for name in COMPONENTS[2:]:
            components[name] = {"ok": False, "error": error}
        counts: dict[str, int] = {}
    else:
        components.update(judge_beats(beats, sources.settings))
        counts = count_by_queue(beats)
    failing = [name for name in COMPONENTS if not components[name]["ok"]]
    return {"status": "degraded" if failing else "ok", "components": components, "failing": failing,
            "workers": counts}


def probe_database(container: Container) -> Component:
    started = time.perf_counter()
    with container.read_session() as session:
        session.execute(text("SELECT 1"))
    return {"ok": True, "backend": container.engine.dialect.name, "latency_ms": _ms(started)}


def probe_queue(settings: Settings, store: HeartbeatStore) -> Component:
    if settings.broker != "redis":
        return {"ok": True, "backend": "memory", "detail": "in-process queue (no Redis in this deployment)"}
    answer = dict(store.ping())
    answer["url"] = strip_password(settings.redis_url or "")
    return answer


def judge_beats(beats: list[Beat], settings: Settings) -> dict[str, Component]:
    """The worker, scheduler and broker components from the live heartbeats."""
    now = time.time()
    workers = [b for b in beats if b.role == WORKER]
    backtest = [b for b in workers if "backtest" in b.queues]
    live = [b for b in workers if "live" in b.queues]
    schedulers = [b for b in beats if b.role == SCHEDULER]
    return {
        "backtest_workers": _presence(backtest, "backtest worker", now),
        "live_worker": _presence(live, "live worker", now),
        "scheduler": _presence(schedulers, "scheduler", now),
        "broker": judge_broker(live, settings, now),
    }


def judge_broker(live: list[Beat], settings: Settings, now: float) -> Component:
    configured = [kind for kind in ("paper", "live") if settings.alpaca(kind) is not None]  # type: ignore[arg-type]
    if not configured:
        return {"ok": True, "accounts": {}, "detail": "no broker account configured"}
    if not live:
        return {"ok": False, "accounts": {}, "error": "unknown: no live worker is alive to report the broker"}
    seen: dict[str, dict[str, Any]] = {}
    for beat in sorted(live, key=lambda b: b.at):  # the freshest heartbeat wins
        seen.update(beat.info.get("broker") or {})
    accounts = {kind: _account(seen.get(kind), now) for kind in configured}
    failing = [kind for kind, account in accounts.items() if not account["ok"]]
    component: Component = {"ok": not failing, "accounts": accounts}
    if failing:
        component["error"] = "; ".join(f"{kind}: {accounts[kind]['last_error']}" for kind in failing)
    return component


def _account(seen: dict[str, Any] | None, now: float) -> dict[str, Any]:
    if not seen or seen.get("last_contact_at") is None:
        return {"ok": True, "detail": "not contacted yet by the live worker", "calls": 0, "errors": 0}
    ok_at, error_at = seen.get("last_ok_at"), seen.get("last_error_at")
    ok = error_at is None or (ok_at is not None and ok_at >= error_at)
    return {"ok": ok, "calls": seen.get("calls", 0), "errors": seen.get("errors", 0),
            "last_contact_age_seconds": _age(seen.get("last_contact_at"), now),
            "last_ok_age_seconds": _age(ok_at, now), "last_error_age_seconds": _age(error_at, now),
            "last_error": seen.get("last_error")}


def _presence(beats: list[Beat], what: str, now: float) -> Component:
    listed = [{"name": b.name, "queues": list(b.queues), "age_seconds": round(b.age(now), 1)} for b in beats]
    if not beats:
        return {"ok": False, "alive": 0, "error": f"no {what} has sent a heartbeat in the last {TTL_SECONDS} s"}
    return {"ok": True, "alive": len(beats), "processes": listed}


def _component(result: Any) -> Component:
    if isinstance(result, BaseException):
        return {"ok": False, "error": _describe(result)}
    return dict(result)


def _describe(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {message}"[:300] if message else exc.__class__.__name__


def _age(moment: float | None, now: float) -> float | None:
    return None if moment is None else round(max(0.0, now - moment), 1)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
