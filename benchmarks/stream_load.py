"""API latency while N idle SSE streams (and a few WebSockets) are open: p50/p99 of GET /api/v1/runs
and /healthz with no stream, then with N, and their ratio.

The server is `weaver web` (gunicorn, gevent workers; `--gthread` for the former 2 x 64 threads, to
compare) or the standalone embedded server (`--standalone`), on a scratch Postgres database and Redis.

Usage: .venv/bin/python -m benchmarks.stream_load [--streams 1000] [--requests 400] [--standalone | --gthread]
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import percentile, scratch_postgres
from benchmarks.idle_streams import close_all, open_sse, open_ws, timed_gets
from benchmarks.server import free_port, start_web, wait_healthy

TOKEN = "benchmark-token-0123456789"


@contextmanager
def web(url: str, gthread: bool) -> Iterator[str]:
    port = free_port()
    if gthread:
        process = _start_gthread(url, port)
    else:
        process = start_web(url, port, TOKEN)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(30)


def _start_gthread(url: str, port: int) -> subprocess.Popen[bytes]:
    """The web process as it was before gevent: gunicorn gthread, 2 workers x 64 threads."""
    env = {**os.environ, "WEAVER_DATABASE_URL": url, "WEAVER_API_TOKEN": TOKEN, "WEAVER_BROKER": "redis",
           "WEAVER_REDIS_URL": "redis://127.0.0.1:6379/0", "WEAVER_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "2",
                                "--threads", "64", "--bind", f"127.0.0.1:{port}", "--timeout", "0",
                                "app.glados.wsgi:app"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    return wait_healthy(process, port, "gunicorn gthread")


@contextmanager
def standalone(url: str) -> Iterator[str]:
    from app.standalone.embedded import Embedded
    from app.standalone.home import Home

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory(prefix="weaver-bench-") as home:
        embedded = Embedded(Home(Path(home)), port=0, exchange_enabled=False, settings_overrides={
            "database_url": url, "broker": "redis", "redis_url": "redis://127.0.0.1:6379/0", "api_token": TOKEN})
        try:
            yield embedded.start().split("/?token=")[0]
        finally:
            embedded.stop()


def measure(base: str, requests_count: int) -> tuple[float, float, int]:
    """(p50 ms, p99 ms, failures) of the API requests, 10 at a time."""
    urls = [f"{base}/api/v1/runs", f"{base}/healthz"] * (requests_count // 2)
    results = timed_gets(urls, TOKEN, concurrency=10, timeout=10)
    times = [seconds * 1000 for status, seconds in results if status == 200]
    failed = sum(status != 200 for status, _ in results)
    if not times:
        return float("inf"), float("inf"), failed
    return percentile(times, 0.5), percentile(times, 0.99), failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--websockets", type=int, default=10)
    parser.add_argument("--requests", type=int, default=400)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--standalone", action="store_true")
    which.add_argument("--gthread", action="store_true", help="the former gunicorn gthread config, to compare")
    args = parser.parse_args()
    label = "standalone" if args.standalone else "weaver web (gthread 2x64)" if args.gthread else "weaver web (gevent)"

    with scratch_postgres("weaver_bench_streams") as url:
        server = standalone(url) if args.standalone else web(url, args.gthread)
        with server as base:
            measure(base, 40)  # warm up: connections, caches
            idle = measure(base, args.requests)
            started = time.perf_counter()
            try:
                sse = open_sse(base, TOKEN, args.streams, timeout=60, check=not args.gthread)
                sockets = [] if args.gthread else open_ws(base, TOKEN, args.websockets)
            except (AssertionError, OSError) as exc:
                print(f"{label}: could not open {args.streams} streams: {exc!r}")
                raise SystemExit(1) from exc
            opened = time.perf_counter() - started
            try:
                loaded = measure(base, args.requests)
            finally:
                close_all([*sse, *sockets])

    print(f"{label}: {args.requests} API requests (GET /api/v1/runs and /healthz, 10 concurrent)")
    print(f"  no streams:                     p50 {idle[0]:7.1f} ms   p99 {idle[1]:7.1f} ms   failed {idle[2]}")
    print(f"  {args.streams:5d} SSE + {args.websockets:3d} WebSockets open: p50 {loaded[0]:7.1f} ms   "
          f"p99 {loaded[1]:7.1f} ms   failed {loaded[2]}   (opened in {opened:.1f} s)")
    print(f"  ratio (with streams / without): p50 x{loaded[0] / idle[0]:.2f}   p99 x{loaded[1] / idle[1]:.2f}")


if __name__ == "__main__":
    main()
