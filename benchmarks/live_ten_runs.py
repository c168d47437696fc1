"""Does the live worker keep up? 1, 3 and 10 paper runs on one-second bars, the real processes.

Two stacks, each started fresh for every run count, against the local exchange on 1-second bars:
- deploy: `weaver exchange`, then the Procfile's processes on Postgres and Redis (`weaver web`,
  `weaver worker --queues live`, `weaver scheduler`), each its own OS process;
- standalone: `weaver standalone --exchange-bar-seconds 1` (SQLite, its own exchange, one process).

The runs are created through the API (sma_cross, fast windows so that they trade, on different
symbols), warm up, then every bar of a `--seconds` window is due for every run. A tick is on time
when it was done (its `live.tick` event written) within one bar of its bar's close plus the settle
delay, i.e. before the next bar's tick is due: a worker that keeps up does every tick on time.
Latency: bar close → the tick's `live.tick` event (settle delay included), from the outbox.

Usage: .venv/bin/python -m benchmarks.live_ten_runs [--stacks deploy,standalone] [--counts 1,3,10]
           [--seconds 60] [--settle-ms 500]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, text

from benchmarks.common import percentile, scratch_postgres

ROOT = Path(__file__).resolve().parent.parent  # the code measured is the code next to this file
REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", "redis://127.0.0.1:6379/0")
SYMBOLS = {"AAPL": 190, "MSFT": 410, "SPY": 520, "NVDA": 120, "TSLA": 250, "AMZN": 180, "GOOG": 170,
           "META": 500, "NFLX": 650, "AMD": 160}
STANDALONE_SYMBOLS = ("AAPL", "MSFT", "SPY", "NVDA", "TSLA")  # its demo exchange's
KEY, SECRET = "PK-LIVEBENCH", "live-bench-secret"
TOKEN = "live-bench-token-" + uuid.uuid4().hex


@dataclass
class Stack:
    base: str
    token: str
    database_url: str


@dataclass
class Figures:
    stack: str
    runs: int
    due: int
    on_time: int
    late: int
    stale: int
    other_skipped: int
    missing: int
    p50_ms: float
    p99_ms: float
    orders: int
    queued_ms: float  # p50, the bar's command issued → the live worker starting on it
    working_ms: float  # p50, started → the tick done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_up(url: str, token: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=2).status_code < 500:
                return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def deploy_stack(settle_ms: int, work: Path) -> Iterator[Stack]:
    """`weaver exchange` and the Procfile's web, live worker and scheduler on Postgres + Redis."""
    exchange_port, web_port = free_port(), free_port()
    exchange_url = f"http://127.0.0.1:{exchange_port}"
    namespace = f"weaver-livebench-{uuid.uuid4().hex[:8]}"
    processes: list[subprocess.Popen[bytes]] = []
    base_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with scratch_postgres("weaver_livebench") as url:
        env = {**base_env, "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL,
               "WEAVER_API_TOKEN": TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace,
               "WEAVER_SETTLE_DELAY_MS": str(settle_ms), "WEAVER_LOG_LEVEL": "WARNING", "WEAVER_LOG_FORMAT": "console",
               "WEAVER_ALPACA_PAPER_KEY_ID": KEY, "WEAVER_ALPACA_PAPER_SECRET_KEY": SECRET,
               "WEAVER_ALPACA_PAPER_BASE_URL": exchange_url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange_url,
               "WEAVER_ALPACA_PAPER_STREAM_URL": f"ws://127.0.0.1:{exchange_port}/stream"}
        try:
            processes.append(spawn([
                "exchange", "--port", str(exchange_port), "--bar-seconds", "1", "--hours", "always",
                "--symbols", ",".join(f"{s}={p}" for s, p in SYMBOLS.items()),
                "--account", f"paper:{KEY}:{SECRET}:10000000:short"], base_env, work / "exchange.log"))
            wait_until_up(f"{exchange_url}/v2/clock", "")
            processes.append(spawn(["web", "--host", "127.0.0.1", "--port", str(web_port), "--workers", "1",
                                    "--threads", "8"], env, work / "web.log"))
            processes.append(spawn(["worker", "--queues", "live"], env, work / "worker.log"))
            processes.append(spawn(["scheduler"], env, work / "scheduler.log"))
            base = f"http://127.0.0.1:{web_port}"
            wait_until_up(f"{base}/api/v1/runs", TOKEN)
            yield Stack(base, TOKEN, url)
        finally:
            stop_all(processes)
            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(f"{namespace}*"))
            if keys:
                client.delete(*keys)


@contextmanager
def standalone_stack(settle_ms: int, work: Path) -> Iterator[Stack]:
    """`weaver standalone` with its own exchange on second bars: SQLite, everything in one process."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WEAVER_SETTLE_DELAY_MS": str(settle_ms)}
    data = work / "data"
    process = spawn(["standalone", "--data-dir", str(data), "--port", str(port), "--exchange-bar-seconds", "1"],
                    env, work / "standalone.log")
    try:
        token_file = data / "api-token"
        deadline = time.monotonic() + 60
        while not token_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        token = token_file.read_text().strip()
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/api/v1/runs", token)
        yield Stack(base, token, f"sqlite:///{(data / 'weaver.db').resolve()}")
    finally:
        stop_all([process])


def create_runs(stack: Stack, count: int, symbols: tuple[str, ...]) -> list[str]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {stack.token}"
    ids = []
    for i in range(count):
        # Short windows trade often; two runs on one symbol (standalone) differ in their windows.
        params = {"fast": 2 + i // len(symbols), "slow": 5 + i // len(symbols), "percent": 5.0}
        created = session.post(f"{stack.base}/api/v1/runs", timeout=10, json={
            "mode": "paper", "strategy": "sma_cross", "params": params, "symbols": [symbols[i % len(symbols)]],
            "timeframe": "1Sec", "cash": "100000", "start_now": True})
        if created.status_code != 201:
            raise RuntimeError(f"creating a run: {created.status_code} {created.text}")
        ids.append(created.json()["id"])
    return ids


def measure(name: str, stack: Stack, count: int, seconds: int, settle_ms: int, symbols: tuple[str, ...]) -> Figures:
    run_ids = create_runs(stack, count, symbols)
    engine = create_engine(stack.database_url)
    try:
        deadline = time.monotonic() + 90
        with engine.connect() as conn:  # warm-up: every run has done two ticks
            while time.monotonic() < deadline:
                warm = conn.execute(text("SELECT count(DISTINCT run_id) FROM live_ticks WHERE status = 'done' "
                                         "GROUP BY run_id HAVING count(*) >= 2")).all()
                conn.rollback()
                if len(warm) >= count:
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"{name}: the runs did not warm up")
        start = datetime.fromtimestamp(int(time.time()) + 2, UTC)
        end = start + timedelta(seconds=seconds)
        bars = [start + timedelta(seconds=i) for i in range(seconds)]
        due = {(run_id, bar) for run_id in run_ids for bar in bars}
        # Wait for the window, then for its last ticks (a worker behind may still be deciding them).
        time.sleep(max(0.0, (end - datetime.now(UTC)).total_seconds()) + settle_ms / 1000 + 1)
        ticks, events = _recorded(engine, start, end, run_ids, seconds)
        queued, working = _breakdown(engine, start, end, events)
    finally:
        engine.dispose()
    deadline_ms = settle_ms + 1000
    on_time = late = stale = other = orders = 0
    latencies = []
    for key in due:
        status, detail = ticks.get(key, (None, None))
        if status == "done":
            done_at = events.get(key)
            ms = (done_at - (key[1] + timedelta(seconds=1))) / timedelta(milliseconds=1) if done_at else float("inf")
            latencies.append(ms)
            on_time += ms <= deadline_ms
            late += ms > deadline_ms
            orders += int(detail.split()[1]) if detail and detail.startswith("done:") else 0
        elif status == "skipped" and "stale" in (detail or ""):
            stale += 1
        elif status is not None:
            other += 1
    missing = len(due) - on_time - late - stale - other
    finite = [ms for ms in latencies if ms != float("inf")] or [float("nan")]
    return Figures(name, count, len(due), on_time, late, stale, other, missing, percentile(finite, 0.5),
                   percentile(finite, 0.99), orders, queued, working)


def _breakdown(engine, start: datetime, end: datetime, events) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Where a done tick's time went: waiting for the live worker (from its bar's command, written by
    the scheduler, to the tick's start, live_ticks.created_at) and the worker's own work."""
    with engine.connect() as conn:
        issued = {_as_utc(_payload(p)["bar_ts"]): _as_utc(ts) for p, ts in conn.execute(
            text("SELECT payload, ts FROM outbox WHERE type = 'command.tick_bar'")).all()}
        started = {(run_id, _as_utc(bar)): _as_utc(at) for run_id, bar, at in conn.execute(
            text("SELECT run_id, bar_ts, created_at FROM live_ticks")).all()}
    queued, working = [], []
    for key, done_at in events.items():
        if key in started and key[1] in issued and start <= key[1] < end:
            queued.append((started[key] - issued[key[1]]) / timedelta(milliseconds=1))
            working.append((done_at - started[key]) / timedelta(milliseconds=1))
    if not queued:
        return float("nan"), float("nan")
    return percentile(queued, 0.5), percentile(working, 0.5)


def _recorded(engine, start: datetime, end: datetime, run_ids: list[str], seconds: int):  # type: ignore[no-untyped-def]
    """Each due tick's status and detail (live_ticks) and when it was done (its live.tick event),
    once no more of the window's ticks appear (a worker far behind records its backlog as stale)."""
    previous, settled_at = -1, time.monotonic()
    while True:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT run_id, bar_ts, status, detail FROM live_ticks")).all()
        ticks = {}
        for run_id, bar_ts, status, detail in rows:
            moment = _as_utc(bar_ts)
            if run_id in run_ids and start <= moment < end:
                ticks[(run_id, moment)] = (status, detail)
        if len(ticks) == len(run_ids) * seconds or (len(ticks) == previous and time.monotonic() - settled_at > 5):
            break
        if len(ticks) != previous:
            previous, settled_at = len(ticks), time.monotonic()
        time.sleep(1)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT payload, ts FROM outbox WHERE type = 'live.tick'")).all()
    events = {}
    for payload, ts in rows:
        payload = _payload(payload)
        key = (payload["run_id"], _as_utc(payload["bar_ts"]))
        if key in ticks:
            events[key] = _as_utc(ts)
    return ticks, events


def _payload(value: dict | str) -> dict:  # type: ignore[type-arg]
    return json.loads(value) if isinstance(value, str) else value


def _as_utc(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", default="deploy,standalone")
    parser.add_argument("--counts", default="1,3,10")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--settle-ms", type=int, default=500)
    parser.add_argument("--keep-logs", action="store_true", help="keep each stack's logs and data, and say where")
    args = parser.parse_args()
    results = []
    for name in args.stacks.split(","):
        for count in (int(c) for c in args.counts.split(",")):
            work = Path(tempfile.mkdtemp(prefix=f"weaver-livebench-{name}-{count}-"))
            starter = deploy_stack if name == "deploy" else standalone_stack
            symbols = tuple(SYMBOLS) if name == "deploy" else STANDALONE_SYMBOLS
            try:
                with starter(args.settle_ms, work) as started:
                    figures = measure(name, started, count, args.seconds, args.settle_ms, symbols)
            finally:
                if args.keep_logs:
                    print(f"  logs: {work}", flush=True)
                else:
                    shutil.rmtree(work, ignore_errors=True)
            results.append(figures)
            print(_line(figures), flush=True)
    print(f"\nlive ticks on 1Sec bars over {args.seconds} s, settle delay {args.settle_ms} ms; on time = done "
          f"within {args.settle_ms + 1000} ms of the bar's close (before the next bar's tick is due)")
    print(f"{'stack':<11}{'runs':>5}{'due':>6}{'on time':>9}{'ratio':>7}{'late':>6}{'stale':>6}{'other':>6}"
          f"{'missed':>7}{'p50 ms':>8}{'p99 ms':>8}{'orders':>7}{'queued':>8}{'working':>8}")
    for f in results:
        print(f"{f.stack:<11}{f.runs:>5}{f.due:>6}{f.on_time:>9}{f.on_time / f.due:>7.0%}{f.late:>6}{f.stale:>6}"
              f"{f.other_skipped:>6}{f.missing:>7}{f.p50_ms:>8.0f}{f.p99_ms:>8.0f}{f.orders:>7}{f.queued_ms:>8.0f}"
              f"{f.working_ms:>8.0f}")
    print("(p50/p99: bar close → tick done, settle delay included; queued/working: p50 of the bar's command "
          "→ the worker starting on it, and of the worker's own time)")


def _line(f: Figures) -> str:
    return (f"{f.stack} {f.runs} run(s): {f.on_time}/{f.due} ticks on time, {f.late} late, {f.stale} stale, "
            f"{f.other_skipped} skipped otherwise, {f.missing} missed; p50 {f.p50_ms:.0f} ms, p99 {f.p99_ms:.0f} ms")


if __name__ == "__main__":
    main()
