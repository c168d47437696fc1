"""`GET /api/v1/runs?per_page=50` with 100 runs stored and with 100,000: each sort's first page and a
deep page (via `cursor`), against `/healthz`, in one process with the Flask test client.

Runs are bulk-loaded with COPY (95% with four metrics, like finished sweep cells). A deep page's
cursor is the one the API returns after the run at 80% of the order. Each figure is the median of
`--repeat` requests, the sorts interleaved so a slow moment of the machine hits them all alike.

Usage: .venv/bin/python -m benchmarks.runs_list [--sizes 100 100000] [--repeat 15] [--orders desc asc]
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import psycopg
from flask.testing import FlaskClient

from app.bootstrap import bootstrap
from app.config import load_settings
from app.glados.app import create_app
from app.glados.schemas.runs import RunSort
from benchmarks.common import scratch_postgres

TOKEN = "benchmark-token-0123456789"
SORTS: tuple[str, ...] = get_args(RunSort)
METRICS = ("total_return_pct", "sharpe", "max_drawdown_pct", "trades")


def bulk_load(url: str, count: int) -> None:
    """`count` backtest runs of a few strategies and statuses, one a second, and their metrics."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        with cur.copy("COPY runs (id, mode, name, strategy, params, symbols, timeframe, cash, fees, slippage, "
                      "options, status, progress, created_at, updated_at) FROM STDIN") as copy:
            for i, run_id in enumerate(ids):
                at = start + timedelta(seconds=i)
                copy.write_row((run_id, ("backtest", "paper", "live")[i % 3], None if i % 3 else f"cell {i}",
                                ("sma_cross", "rsi_revert", "breakout", "momentum")[i % 4],
                                f'{{"fast": {i % 20}}}', f'["{("AAPL", "MSFT", "SPY", "QQQ")[i % 4]}"]', "1Day",
                                "10000", "{}", "{}", "{}", ("finished", "failed", "queued")[i % 3], 1.0, at, at))
        with cur.copy("COPY run_metrics (run_id, name, value) FROM STDIN") as copy:
            for i, run_id in enumerate(ids):
                if i % 20 == 19:
                    continue  # 5% without metrics (not finished yet)
                values = ((i * 7919) % 2001 / 10 - 100, (i * 104729) % 4001 / 1000 - 2, (i * 31) % 500 / 10,
                          float(i % 60))
                for name, value in zip(METRICS, values, strict=True):
                    copy.write_row((run_id, name, value))
        conn.commit()
        conn.execute("ANALYZE runs")
        conn.execute("ANALYZE run_metrics")
        conn.commit()


def timed(client: FlaskClient, path: str) -> float:
    began = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed


def deep_cursor(client: FlaskClient, sort: str, order: str, count: int) -> str:
    body: dict[str, Any] = client.get(f"/api/v1/runs?sort={sort}&order={order}&per_page=1&page={count * 4 // 5}"
                                      ).get_json()
    return str(body["next_cursor"])


def measure(count: int, orders: list[str], repeat: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    with scratch_postgres("weaver_bench_runs_list") as url:
        began = time.perf_counter()
        bulk_load(url, count)
        print(f"{count:,} runs loaded in {time.perf_counter() - began:.1f} s")
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                              listen=False)
        app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
        try:
            client = app.test_client()
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
            paths = {"healthz": "/healthz"}
            for sort in SORTS:
                for order in orders:
                    base = f"/api/v1/runs?per_page=50&sort={sort}&order={order}"
                    paths[f"{sort} {order} page 1"] = base
                    paths[f"{sort} {order} deep"] = f"{base}&cursor={deep_cursor(client, sort, order, count)}"
            for path in paths.values():  # warm up: connections, caches, first-use imports
                timed(client, path)
            for _ in range(repeat):  # interleaved rounds; the median of each path's rounds
                for label, path in paths.items():
                    samples.setdefault(label, []).append(timed(client, path))
        finally:
            app.extensions["weaver"].broadcaster.stop()
            container.close()
    return {label: statistics.median(times) for label, times in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 100_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--orders", nargs="+", default=["desc", "asc"])
    args = parser.parse_args()
    small, large = (measure(size, args.orders, args.repeat) for size in args.sizes)
    print(f"\nmedian ms of {args.repeat} requests (Flask test client, one process)")
    print(f"{'request':<34}{args.sizes[0]:>10,}{args.sizes[1]:>10,}  large/small  large/healthz")
    worst_growth = worst_health = 0.0
    for label in small:
        growth, health = large[label] / small[label], large[label] / large["healthz"]
        if label != "healthz":
            worst_growth, worst_health = max(worst_growth, growth), max(worst_health, health)
        print(f"{label:<34}{small[label]:>10.2f}{large[label]:>10.2f}{growth:>12.2f}×{health:>13.2f}×")
    print(f"\nworst large/small: {worst_growth:.2f}× (target ≤ 1.5×); worst vs /healthz: {worst_health:.2f}× "
          f"(target ≤ 3×)")


if __name__ == "__main__":
    main()
