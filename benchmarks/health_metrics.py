"""How long GET /api/v1/health and GET /metrics take on a busy database.

A scratch Postgres database gets RUNS runs (a few paper), TICKS live ticks, ORDERS orders and
EVENTS outbox events; the app (on real Redis, its own namespace, one scheduler heartbeat) then
answers each endpoint ROUNDS times. Prints p50/p95/max per endpoint and the size of /metrics.

Usage: .venv/bin/python -m benchmarks.health_metrics [--ticks 200000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import redis
from sqlalchemy import insert

from app.bootstrap import build_services
from app.config import load_settings
from app.glados.app import create_app
from app.walle.models import LiveTick, Order, Run
from app.walle.models.events import OutboxEvent
from benchmarks.common import percentile, scratch_postgres
from scheduler.heartbeat import SchedulerHeartbeat

TOKEN = "benchmark-token-0123456789"
REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", "redis://127.0.0.1:6379/0")
START = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def fill(services: object, runs: int, ticks: int, orders: int, events: int) -> None:
    engine = services.container.engine  # type: ignore[attr-defined]
    paper = [str(uuid.uuid4()) for _ in range(10)]
    with engine.begin() as conn:
        conn.execute(insert(Run), [
            {"id": paper[i] if i < len(paper) else str(uuid.uuid4()),
             "mode": "paper" if i < len(paper) else "backtest",
             "status": "running" if i < len(paper) else ("completed", "queued", "error")[i % 3],
             "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Min", "cash": 10_000, "params": {},
             "fees": {}, "slippage": {},
             "options": {}, "progress": 0.0, "created_at": START} for i in range(runs)])
        step = timedelta(minutes=1)
        for first in range(0, ticks, 50_000):
            conn.execute(insert(LiveTick), [
                {"run_id": paper[i % len(paper)], "bar_ts": START + (i // len(paper)) * step, "status": "done",
                 "created_at": START + (i // len(paper) + 1) * step + timedelta(seconds=0.6)}
                for i in range(first, min(ticks, first + 50_000))])
        conn.execute(insert(Order), [
            {"id": str(uuid.uuid4()), "run_id": paper[i % len(paper)], "client_order_id": f"bench-{i}",
             "symbol": "AAPL", "side": "buy", "type": "market", "order_class": "simple", "time_in_force": "day",
             "qty": 1,
             "status": ("filled", "canceled", "rejected")[i % 3], "filled_qty": 0, "submitted_at": START,
             "updated_at": START, "history": []} for i in range(orders)])
        for first in range(0, events, 50_000):
            conn.execute(insert(OutboxEvent), [
                {"id": str(uuid.uuid4()), "type": "live.tick", "run_id": paper[0], "ts": START, "payload": {}}
                for _ in range(first, min(events, first + 50_000))])


def timed(client: object, path: str, rounds: int) -> tuple[list[float], int, int]:
    times, status, size = [], 0, 0
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        status, size = response.status_code, len(response.data)
    return times, status, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5_000)
    parser.add_argument("--ticks", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    namespace = f"weaver-bench-{uuid.uuid4().hex[:8]}"
    with scratch_postgres() as url:
        settings = load_settings(_env_file=None, database_url=url, redis_url=REDIS_URL, api_token=TOKEN)
        services = build_services(settings, namespace=namespace)
        started = time.perf_counter()
        fill(services, args.runs, args.ticks, args.orders, args.events)
        print(f"stored {args.runs} runs, {args.ticks} ticks, {args.orders} orders, {args.events} events "
              f"in {time.perf_counter() - started:.1f} s")
        app = create_app({"SETTINGS": settings, "SERVICES": services})
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
        scheduler = SchedulerHeartbeat(services.queue.heartbeats).start()
        try:
            for path in ("/api/v1/health", "/metrics"):
                times, status, size = timed(client, path, args.rounds)
                print(f"{path:16} HTTP {status}  p50 {percentile(times, 0.5):7.1f} ms"
                      f"  p95 {percentile(times, 0.95):7.1f} ms  max {max(times):7.1f} ms  body {size} bytes")
        finally:
            scheduler.stop()
            app.extensions["weaver"].broadcaster.stop()
            services.close()
            keys = redis.Redis.from_url(REDIS_URL).keys(f"{namespace}*")
            if keys:
                redis.Redis.from_url(REDIS_URL).delete(*keys)


if __name__ == "__main__":
    main()
