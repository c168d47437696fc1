"""A paper run's ticks in `weaver standalone` while a big walk-forward runs beside it.

The standalone runs every part in one process: its backtest threads, the live worker, the scheduler,
the web server and the local exchange share one GIL and one SQLite file. This starts it on a fresh data
folder with one-second exchange bars, starts a 1Sec sma_cross paper run on AAPL, lets it tick idle for
`--idle` seconds, then posts a walk-forward of the demo minute bars (19 × 18 cells a fold, 1,500 bars to
train, 500 to test: 7,237 backtests) and reads the run's ticks (`live_ticks`) while it runs: how long
after its bar closed each tick started (the settle delay, 500 ms, included: it is deliberate), and how
many bars got no tick at all. The walk-forward's time is printed too, for each `--threads` given.

Usage: .venv/bin/python -m benchmarks.standalone_ticks [--threads 1 2] [--idle 30]
"""

from __future__ import annotations

import argparse
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from benchmarks.common import percentile
from benchmarks.server import free_port

GRID = {"fast": list(range(2, 40, 2)), "slow": list(range(20, 200, 10))}


def start(folder: Path, port: int, threads: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "app", "standalone", "--data-dir", str(folder), "--port",
                                str(port), "--exchange-bar-seconds", "1", "--backtest-threads", str(threads)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = re.search(r"token=([\w\-.]+)", process.stdout.readline())
        if found:
            threading.Thread(target=process.stdout.read, daemon=True).start()  # keeps the pipe drained
            return process, found.group(1)
    process.kill()
    raise SystemExit("the standalone printed no URL within 120 s")


def ticks(database: Path, run_id: str, first: datetime, last: datetime) -> tuple[int, list[float]]:
    """Bars in [first, last) and, for each that got a tick, seconds from its close to the tick's start."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT bar_ts, created_at FROM live_ticks WHERE run_id = ?", (run_id,)).fetchall()
    late = []
    for bar_ts, created_at in rows:
        bar, started = (datetime.fromisoformat(str(v)).replace(tzinfo=UTC) for v in (bar_ts, created_at))
        if first <= bar < last:
            late.append((started - bar).total_seconds() - 1)
    return int((last - first).total_seconds()), sorted(late)


def describe(label: str, bars: int, late: list[float]) -> str:
    if not late:
        return f"  {label}: {bars} bars, no tick"
    return (f"  {label}: {bars} bars, {len(late)} ticked ({bars - len(late)} without a tick); tick started after "
            f"its bar closed: p50 {percentile(late, 0.5) * 1000:,.0f} ms, p90 {percentile(late, 0.9) * 1000:,.0f} ms, "
            f"max {late[-1] * 1000:,.0f} ms")


def measure(threads: int, idle: int) -> None:
    with tempfile.TemporaryDirectory(prefix="weaver-standalone-ticks-") as home:
        folder, port = Path(home), free_port()
        process, token = start(folder, port, threads)
        try:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            base = f"http://127.0.0.1:{port}/api/v1"
            created = api.post(f"{base}/runs", json={
                "mode": "paper", "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Sec",
                "params": {"fast": 2, "slow": 3, "percent": 10.0}, "start_now": True}, timeout=30)
            created.raise_for_status()
            run_id = created.json()["id"]
            time.sleep(10)  # its warm-up and first ticks
            first = datetime.now(UTC).replace(microsecond=0)
            time.sleep(idle)
            print(f"--backtest-threads {threads}")
            ticked = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)  # the last bars tick yet
            print(describe("idle", *ticks(folder / "weaver.db", run_id, first, ticked)))
            posted = api.post(f"{base}/walkforwards", json={
                "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Min", "grid": GRID,
                "objective": "total_return_pct", "folds": {"kind": "rolling", "train": 1500, "test": 500}}, timeout=60)
            posted.raise_for_status()
            walk = posted.json()
            first, started = datetime.now(UTC).replace(microsecond=0), time.monotonic()
            while api.get(f"{base}/walkforwards/{walk['id']}", timeout=30).json()["status"] not in (
                    "completed", "failed", "cancelled"):
                if time.monotonic() - started > 600:
                    raise SystemExit("the walk-forward took over 10 minutes")
                time.sleep(0.5)
            took = time.monotonic() - started
            time.sleep(3)  # the last bars' ticks
            last = first + timedelta(seconds=int(took))
            print(f"  walk-forward of {walk['cells_total']:,} backtests: {took:.1f} s")
            print(describe("during the walk-forward", *ticks(folder / "weaver.db", run_id, first, last)))
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--idle", type=int, default=30)
    args = parser.parse_args()
    for threads in args.threads:
        measure(threads, args.idle)


if __name__ == "__main__":
    main()
