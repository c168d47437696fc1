"""`GET /api/v1/runs` under load from a second process on loopback: requests/s and latency percentiles.

The database holds 500 finished runs with metrics; each request lists the newest 50. The load comes
from `wrk` when it is installed (Debian package `wrk`), otherwise from a Python generator in two
separate processes (keep-alive connections, one per thread).

Usage: .venv/bin/python -m benchmarks.api_load [--seconds 15] [--connections 32] [--runs 500]
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from multiprocessing import Process, Queue

from app.bootstrap import bootstrap
from app.config import load_settings
from app.walle.models import Run, RunMetric
from benchmarks.common import percentile, scratch_postgres
from benchmarks.server import free_port, start_web

TOKEN = "benchmark-token-0123456789"
PATH = "/api/v1/runs?per_page=50"


def seed_runs(url: str, count: int) -> None:
    container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                          listen=False)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with container.uow() as uow:
        for i in range(count):
            run = uow.runs.add(Run(mode="backtest", strategy="sma_cross", params={"fast": 10, "slow": 20 + i % 30},
                                   symbols=["AAPL"], timeframe="1Day", cash=Decimal("10000"), status="completed",
                                   created_at=start + timedelta(minutes=i), updated_at=start + timedelta(minutes=i),
                                   progress=1.0))
            uow.session.flush()
            uow.session.add_all([RunMetric(run_id=run.id, name=name, value=(i % 97) / 7)
                                 for name in ("total_return_pct", "sharpe", "max_drawdown_pct", "trades")])
        uow.commit()
    container.close()


def with_wrk(port: int, seconds: int, connections: int) -> None:
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H",
                           f"Authorization: Bearer {TOKEN}", f"http://127.0.0.1:{port}{PATH}"],
                          capture_output=True, text=True, check=True)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    marks = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", done.stdout, re.M))
    print(f"GET {PATH} (wrk, 2 threads, {connections} connections, {seconds} s): "
          f"{float(rate.group(1)) if rate else 0:,.0f} requests/s; latency p50 {marks.get('50')}, "
          f"p90 {marks.get('90')}, p99 {marks.get('99')}; non-2xx: {errors.group(1) if errors else 0}")


def hammer(port: int, threads: int, until: float, out: Queue) -> None:
    import threading

    latencies: list[float] = []
    failures = [0]

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < until:
            began = time.perf_counter()
            conn.request("GET", PATH, headers={"Authorization": f"Bearer {TOKEN}"})
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - began) * 1000)
            failures[0] += response.status != 200

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((latencies, failures[0]))


def with_python(port: int, seconds: int, connections: int) -> None:
    until = time.monotonic() + seconds
    out: Queue = Queue()
    processes = [Process(target=hammer, args=(port, connections // 2, until, out)) for _ in range(2)]
    for process in processes:
        process.start()
    results = [out.get(timeout=seconds + 60) for _ in processes]
    latencies = [ms for got, _ in results for ms in got]
    failures = sum(f for _, f in results)
    print(f"GET {PATH} (Python load, 2 processes, {connections} connections, {seconds} s): "
          f"{len(latencies) / seconds:,.0f} requests/s; latency p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p90 {percentile(latencies, 0.9):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms; non-200: {failures}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()
    with scratch_postgres() as url:
        seed_runs(url, args.runs)
        port = free_port()
        web = start_web(url, port, TOKEN, workers=args.workers, threads=args.threads)
        try:
            (with_wrk if shutil.which("wrk") else with_python)(port, args.seconds, args.connections)
        finally:
            web.terminate()
            web.wait(30)


if __name__ == "__main__":
    main()
