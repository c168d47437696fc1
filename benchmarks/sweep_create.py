"""Sweep creation: how long POST /api/v1/sweeps takes to answer, and how long the worker then takes
to create the cells (one transaction: runs, their events and StartBacktest commands), by grid size,
on Postgres and on SQLite (the standalone default). Before the cells moved to a worker the request
did both, so `answer + cells` is what a client used to wait for.

Usage: .venv/bin/python -m benchmarks.sweep_create [--cells 10 100 1000 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from app.bootstrap import build_services
from app.config import load_settings
from app.glados.app import create_app
from app.walle import migrate
from benchmarks.common import scratch_postgres

TOKEN = "benchmark-token-0123456789"


def grid(cells: int) -> dict[str, list[int]]:
    """Exactly `cells` valid sma_cross cells (fast < slow): up to 40 fast values times the slow ones."""
    width = max(d for d in range(1, 41) if cells % d == 0)
    fast = list(range(2, 2 + width))
    slow = list(range(100, 100 + cells // width))
    return {"fast": fast, "slow": slow}


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "postgres":
        with scratch_postgres("weaver_bench_sweep") as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/weaver.db"
            migrate.upgrade(url)
            yield url


def measure(backend: str, sizes: list[int], repeat: int) -> list[tuple[int, float, float]]:
    rows = []
    with database(backend) as url:
        settings = load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN)
        services = build_services(settings)  # no relay: the worker's half is called directly below
        start = datetime(2022, 1, 3, tzinfo=UTC)
        ts = np.array([int((start + timedelta(days=i)).timestamp()) * 10**9 for i in range(300)], dtype=np.int64)
        close = [Decimal("100") + i % 7 for i in range(300)]
        with services.uow() as uow:
            uow.bars.insert_columns("SYN", "1Day", ts, close, close, close, close, [1000] * 300, source="bench")
            uow.commit()
        app = create_app({"SETTINGS": settings, "SERVICES": services})
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
        body = {"strategy": "sma_cross", "symbols": ["SYN"], "timeframe": "1Day", "cash": "10000"}
        client.post("/api/v1/sweeps", json={**body, "grid": grid(2)})  # warm-up: imports, caches
        try:
            for size in sizes:
                answers, creations = [], []
                for _ in range(repeat):
                    began = time.perf_counter()
                    sweep = client.post("/api/v1/sweeps", json={**body, "grid": grid(size)}).get_json()
                    answers.append(time.perf_counter() - began)
                    began = time.perf_counter()
                    assert services.sweeps.create_cells(sweep["id"]) == "created"
                    creations.append(time.perf_counter() - began)
                rows.append((sweep["total"], statistics.median(answers), statistics.median(creations)))
        finally:
            app.extensions["weaver"].broadcaster.stop()
            services.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, nargs="+", default=[10, 100, 1000, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for backend in ("postgres", "sqlite"):
        print(f"{backend}: median of {args.repeat}")
        print(f"  {'cells':>6}  {'answer':>9}  {'cells made':>10}  {'answer+cells':>12}  {'sooner':>7}")
        for cells, answer, creation in measure(backend, args.cells, args.repeat):
            print(f"  {cells:>6}  {answer * 1000:>7.0f}ms  {creation * 1000:>8.0f}ms  "
                  f"{(answer + creation) * 1000:>10.0f}ms  ×{(answer + creation) / answer:>5.1f}")


if __name__ == "__main__":
    main()
