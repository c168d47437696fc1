"""`GET /api/v1/runs?per_page=50` with 100 runs stored and with 100,000: each sort's first page and a
deep page (via `cursor`), against `/healthz` measured the same way in the same loop.

Two databases are loaded side by side (COPY; 95% of runs with four metrics, like finished sweep
cells; the `trades` metric takes 60 values, so thousands of runs tie on each). A deep page's cursor
is the one the API returns after the run at 80% of the order (with 100 runs: the 45th, so a full
page of runs with metrics follows there too). With 100,000 runs that cursor says its page counted past
1,000, as every cursor a client follows from page 1 does, so the deep page does not count again.

- in process (default): one Flask test client per database in one process; every round asks every
  path of both databases once, `/healthz` included, so a slow moment of the machine hits them all alike.
- `--http`: `weaver web` (gunicorn, gevent) serves each database; a second process keeps
  `--connections` keep-alive connections busy for `--seconds`, each cycling through every path of both
  servers, one request to each server in turn, so `/healthz` and the runs pages are measured under the
  same load and after the same rest.

Each path's median and p95 are printed with the ratios page/healthz (same database, same loop) and
100,000/100 (same path).

`--cells show hide` measures each page also as the dashboard asks it (`cells=hide`: runs outside any
sweep) in the same loop; `--sweep-share 0.95` stores the newest 95% of runs as cells of one sweep, so
the runs outside it are all older than the cells (the case migration 0011's partial index is for).

Usage: .venv/bin/python -m benchmarks.runs_list [--sizes 100 100000] [--repeat 30] [--orders desc asc]
       [--cells show hide] [--sweep-share 0.95]
       .venv/bin/python -m benchmarks.runs_list --http [--seconds 20] [--connections 6]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from multiprocessing import Process, Queue
from typing import Any, get_args

import psycopg
from flask.testing import FlaskClient

from app.bootstrap import bootstrap
from app.config import load_settings
from app.glados.app import create_app
from app.glados.schemas.runs import RunSort
from benchmarks.common import percentile, scratch_postgres
from benchmarks.server import free_port, start_web

TOKEN = "benchmark-token-0123456789"
SORTS: tuple[str, ...] = get_args(RunSort)
METRICS = ("total_return_pct", "sharpe", "max_drawdown_pct", "trades")
HEALTHZ = "healthz"


SWEEP_SHARE = 0.0  # the newest share of runs stored as one sweep's cells (--sweep-share)


def top_level(count: int) -> int:
    """How many of `count` runs are outside the sweep."""
    return count - int(count * SWEEP_SHARE)


def bulk_load(url: str, count: int) -> None:
    """`count` backtest runs of a few strategies and statuses, one a second, and their metrics; the newest
    `SWEEP_SHARE` of them cells of one sweep."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        ids = [str(uuid.uuid4()) for _ in range(count)]
        sweep_id = str(uuid.uuid4())
        cur.execute("INSERT INTO sweeps (id, strategy, grid, settings, status, created_at, updated_at) "
                    "VALUES (%s, 'sma_cross', '{}', '{}', 'completed', %s, %s)", (sweep_id, start, start))
        with cur.copy("COPY runs (id, mode, name, strategy, params, symbols, timeframe, cash, fees, slippage, "
                      "options, status, progress, created_at, updated_at, sweep_id) FROM STDIN") as copy:
            for i, run_id in enumerate(ids):
                at = start + timedelta(seconds=i)
                copy.write_row((run_id, ("backtest", "paper", "live")[i % 3], None if i % 3 else f"cell {i}",
                                ("sma_cross", "rsi_revert", "breakout", "momentum")[i % 4],
                                f'{{"fast": {i % 20}}}', f'["{("AAPL", "MSFT", "SPY", "QQQ")[i % 4]}"]', "1Day",
                                "10000", "{}", "{}", "{}", ("completed", "failed", "queued")[i % 3], 1.0, at, at,
                                sweep_id if i >= top_level(count) else None))
        with cur.copy("COPY run_metrics (run_id, name, value) FROM STDIN") as copy:
            for i, run_id in enumerate(ids):
                if i % 20 == 19:
                    continue  # 5% without metrics (not finished yet)
                values = ((i * 7919) % 2001 / 10 - 100, (i * 104729) % 4001 / 1000 - 2, (i * 31) % 500 / 10,
                          float(i % 60))
                for name, value in zip(METRICS, values, strict=True):
                    copy.write_row((run_id, name, value))
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE runs")  # as autovacuum leaves a settled table
        conn.execute("VACUUM ANALYZE run_metrics")


@contextmanager
def loaded_database(count: int) -> Iterator[str]:
    with scratch_postgres(f"weaver_bench_runs_list_{count}") as url:
        began = time.perf_counter()
        bulk_load(url, count)
        print(f"{count:,} runs loaded in {time.perf_counter() - began:.1f} s", flush=True)
        yield url


@contextmanager
def test_client(url: str) -> Iterator[FlaskClient]:
    container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                          listen=False)
    app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
        yield client
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()


def deep_position(count: int) -> int:
    """Where a deep page starts: 80% of the way, or sooner so that a full page of runs with metrics
    follows (the 5% without come last), the same work however many runs there are."""
    return min(count * 4 // 5, count * 19 // 20 - 50)


CELLS = ["show"]  # each page as asked with each of these `cells=` (--cells)


def paths_for(client: FlaskClient, count: int, orders: list[str]) -> dict[str, str]:
    """/healthz, then each sort's first page and a deep page (the cursor after `deep_position` of the
    runs that match), for each `cells=`."""
    paths = {HEALTHZ: "/healthz"}
    for cells in CELLS:
        suffix = "" if cells == "show" else f" {cells}"
        matching = {"show": count, "hide": top_level(count), "only": count - top_level(count)}[cells]
        for sort in SORTS:
            for order in orders:
                base = f"/api/v1/runs?per_page=50&sort={sort}&order={order}&cells={cells}"
                paths[f"{sort} {order} page 1{suffix}"] = base
                body: dict[str, Any] = client.get(f"/api/v1/runs?per_page=1&sort={sort}&order={order}&cells={cells}"
                                                  f"&page={max(1, deep_position(matching))}").get_json()
                paths[f"{sort} {order} deep{suffix}"] = f"{base}&cursor={body['next_cursor']}"
    return paths


def timed(client: FlaskClient, path: str) -> float:
    began = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return elapsed


def in_process(sizes: list[int], orders: list[str], repeat: int) -> dict[int, dict[str, list[float]]]:
    samples: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    with ExitStack() as stack:
        clients = {size: stack.enter_context(test_client(stack.enter_context(loaded_database(size))))
                   for size in sizes}
        paths = {size: paths_for(client, size, orders) for size, client in clients.items()}
        for size, client in clients.items():  # warm up: connections, prepared statements, first-use imports
            for path in paths[size].values():
                for _ in range(6):
                    timed(client, path)
        labels = list(paths[sizes[0]])
        for _ in range(repeat):  # every path of every size once a round, /healthz between the pages
            for label in labels:
                for size in sizes:
                    samples[size].setdefault(label, []).append(timed(clients[size], paths[size][label]))
                    samples[size].setdefault(HEALTHZ, []).append(timed(clients[size], "/healthz"))
    return samples


def hammer(targets: list[tuple[int, str, str]], connections: int, seconds: float, out: Queue) -> None:
    """Keep `connections` connections busy for `seconds`, each cycling through every target (from its
    own starting point); put each target's latencies (ms) on `out`."""
    latencies: dict[str, list[float]] = {}
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def loop(offset: int) -> None:
        conns = {port: http.client.HTTPConnection("127.0.0.1", port) for port in {port for port, _, _ in targets}}
        mine: list[tuple[str, float]] = []
        i = offset
        while time.monotonic() < until:
            port, path, key = targets[i % len(targets)]
            i += 1
            began = time.perf_counter()
            try:
                conns[port].request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
                response = conns[port].getresponse()
            except (http.client.RemoteDisconnected, ConnectionError):  # an idle keep-alive the server closed
                conns[port].close()
                continue
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            mine.append((key, (time.perf_counter() - began) * 1000))
        with lock:
            for key, ms in mine:
                latencies.setdefault(key, []).append(ms)

    threads = [threading.Thread(target=loop, args=(n * len(targets) // connections,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(latencies)


def over_http(sizes: list[int], orders: list[str], seconds: float,
              connections: int) -> dict[int, dict[str, list[float]]]:
    with ExitStack() as stack:
        urls = {size: stack.enter_context(loaded_database(size)) for size in sizes}
        served: dict[int, tuple[int, dict[str, str]]] = {}
        for size, url in urls.items():
            with test_client(url) as client:
                paths = paths_for(client, size, orders)
            port = free_port()
            web = start_web(url, port, TOKEN, workers=1)
            stack.callback(lambda web=web: (web.terminate(), web.wait(30)))
            served[size] = (port, paths)
        # Each connection asks the servers in turn, one request each: a server left idle while a
        # connection went through all the other's paths answered its first request after the switch
        # a third slower, whichever path came first (created_at page 1 read 3.7x /healthz, and moved
        # when the order did). In turn, every request, /healthz between every two pages included,
        # comes after the same short rest.
        targets: list[tuple[int, str, str]] = []
        for label in served[sizes[0]][1]:
            if label != HEALTHZ:  # /healthz between every two pages, as in process
                for step in (label, HEALTHZ):
                    targets += [(port, paths[step], f"{size}|{step}") for size, (port, paths) in served.items()]
        out: Queue = Queue()
        warm = Process(target=hammer, args=(targets, connections, min(5.0, seconds), out))
        warm.start()
        out.get(timeout=seconds + 120)
        warm.join()
        load = Process(target=hammer, args=(targets, connections, seconds, out))
        load.start()
        found: dict[str, list[float]] = out.get(timeout=seconds + 120)
        load.join()
    samples: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    for key, values in found.items():
        size, label = key.split("|", 1)
        samples[int(size)][label] = values
    return samples


def report(samples: dict[int, dict[str, list[float]]], sizes: list[int], how: str) -> None:
    small, large = sizes
    med = {size: {label: statistics.median(v) for label, v in samples[size].items()} for size in sizes}
    p95 = {size: {label: percentile(v, 0.95) for label, v in samples[size].items()} for size in sizes}
    count = min(len(v) for size in sizes for v in samples[size].values())
    print(f"\n{how}; ms, median and p95 of at least {count} requests each")
    print(f"{'request':<30}{'median':>9}{'p95':>8}{'median':>9}{'p95':>8}  {'/healthz (median, p95)':>24}  "
          f"{large:,}/{small:,}")
    print(f"{'':<30}{f'{small:,} runs':>17}{f'{large:,} runs':>17}  {f'at {small:,}':>11}{f'at {large:,}':>13}")
    worst_growth = worst_health = worst_health_p95 = 0.0
    for label in sorted(med[small], key=lambda label: label != HEALTHZ):  # /healthz first, then as measured
        growth = med[large][label] / med[small][label]
        health = [med[size][label] / med[size][HEALTHZ] for size in sizes]
        health_p95 = [p95[size][label] / p95[size][HEALTHZ] for size in sizes]
        if label != HEALTHZ:
            worst_growth = max(worst_growth, growth)
            worst_health, worst_health_p95 = max(worst_health, *health), max(worst_health_p95, *health_p95)
        print(f"{label:<30}{med[small][label]:>9.2f}{p95[small][label]:>8.2f}{med[large][label]:>9.2f}"
              f"{p95[large][label]:>8.2f}  {health[0]:>5.1f}×,{health_p95[0]:>4.1f}×{health[1]:>7.1f}×,"
              f"{health_p95[1]:>4.1f}×{growth:>9.2f}×")
    print(f"worst {large:,}/{small:,} (medians): {worst_growth:.2f}× (target ≤ 1.5×); worst page/healthz: "
          f"{worst_health:.1f}× median, {worst_health_p95:.1f}× p95 (target ≤ 3×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 100_000])
    parser.add_argument("--repeat", type=int, default=30, help="rounds in process")
    parser.add_argument("--orders", nargs="+", default=["desc", "asc"])
    parser.add_argument("--http", action="store_true", help="through `weaver web` under load from a second process")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=6)
    parser.add_argument("--cells", nargs="+", choices=["show", "hide", "only"], default=["show"],
                        help="ask each page with these cells= (show: every run, as before)")
    parser.add_argument("--sweep-share", type=float, default=0.0, help="the newest share of runs are sweep cells")
    args = parser.parse_args()
    global SWEEP_SHARE  # noqa: PLW0603 - set once, before any database is loaded
    SWEEP_SHARE = args.sweep_share
    CELLS[:] = args.cells
    if args.http:
        samples = over_http(args.sizes, args.orders, args.seconds, args.connections)
        how = (f"HTTP: weaver web (gunicorn, gevent, 1 worker per database), {args.connections} keep-alive "
               f"connections from a second process for {args.seconds:g} s, every path in turn")
    else:
        samples = in_process(args.sizes, args.orders, args.repeat)
        how = "in process: Flask test client per database, every path in turn, /healthz between pages"
    report(samples, args.sizes, how)


if __name__ == "__main__":
    main()
