"""Sweep throughput: backtests completed per minute with 1 and with 2 worker processes.

Each round gets a fresh database holding 39,000 synthetic one-minute bars (100 sessions) and starts
the production processes on it, each on its own: `weaver web` (one gunicorn worker), `weaver
scheduler` (its command relay hands the outbox's commands to Redis) and `weaver worker --queues
backtest --processes N --threads 1`. Once the workers beat, it posts a first sweep of SMA-crossover
cells whose averages are all one bar longer (as much work, none of the same averages), then the timed
sweep, and times each from the POST to the last cell's `finished_at` (read from the database, so the
benchmark's own look at the sweep, every half second through the API, neither rounds the figure up
nor eats a core). The timed sweep runs on a running stack, as a user's sweeps do: its workers have
read the bars (the in-process peer reads none) and warmed up, but remember none of its averages
(the peer starts with none either). The first sweep's rate is printed too. Beside it, in the same
minutes: the same cells run in one process as `weaver sweep` runs them (run_backtest per cell, no
database), and backtesting.py's `Backtest.optimize` over the same grid and bars; and two such in-process
sweeps at once in two processes, the machine's own 1 → 2 scaling for pure engine work (the ceiling the
workers' scaling is measured under: on this 2-core machine, ×1.9-2.0 when nothing else runs).

It also gives the CPU seconds each kind of process used during the best round of each worker count:
the worker processes, Postgres (the backends of the round's database), Redis, the web process, the
scheduler (relay), the benchmark itself, and what the rest of the machine (other databases, other
programs) took meanwhile: on 2 cores, all of it comes out of the workers' share. What a cell cost
in CPU, all our processes together, against what it costs in process, is the figure that other
load on the machine does not move.

Usage: .venv/bin/python -m benchmarks.sweep_throughput [--cells 48] [--bars 39000] [--rounds 2]
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import redis
import requests
from backtesting import Backtest

from app.bootstrap import build_services
from app.config import load_settings
from app.greta.data import synthetic_bars
from app.greta.engine import BacktestConfig, run_backtest
from app.marvin import BarFrame, indicator_memo
from benchmarks.common import scratch_postgres
from benchmarks.peer_backtesting_py import PeerSmaCross
from benchmarks.server import free_port, wait_healthy

TOKEN = "benchmark-token-0123456789"
REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.5
KINDS = ("workers", "postgres", "redis", "web", "scheduler", "benchmark", "rest of the machine")


def grid(cells: int) -> dict[str, list[int]]:
    fast = [3, 5, 8, 10, 13, 15][: max(1, cells // 8)]
    return {"fast": fast, "slow": [20, 30, 40, 50, 60, 70, 80, 90][: max(1, cells // len(fast))]}


def bench_frame(bars: int) -> BarFrame:
    """The synthetic bars as the database stores them (prices to the cent)."""
    frame = synthetic_bars("SYN", bars, seed=3, timeframe="1Min")
    return BarFrame("SYN", "1Min", frame.ts, *(np.round(getattr(frame, n), 2) for n in ("open", "high", "low",
                                                                                       "close")), frame.volume)


def in_process_rate(cells: int, bars: int) -> tuple[float, float]:
    """Cells per minute the way `weaver sweep` runs them (one process, run_backtest per cell, metrics
    kept), and the CPU seconds a cell took."""
    frames = [bench_frame(bars)]
    config = BacktestConfig(strategy="sma_cross", params={}, cash=Decimal("100000"))
    combos = list(itertools.product(*grid(cells).values()))
    indicator_memo.clear()  # cold, as a fresh `weaver sweep` process starts
    began, cpu = time.perf_counter(), time.process_time()
    for fast, slow in combos:
        run_backtest(replace(config, params={"fast": fast, "slow": slow}), frames)
    return len(combos) / (time.perf_counter() - began) * 60, (time.process_time() - cpu) / len(combos)


def side_by_side_rate(cells: int, bars: int) -> float:
    """Cells per minute of two in-process sweeps (as `in_process_rate`) run at once in two processes:
    what the machine's cores give pure engine work, the ceiling for the workers' 1 → 2 scaling."""
    command = [sys.executable, "-c", "import sys; from benchmarks.sweep_throughput import in_process_rate; "
               f"print(in_process_rate({cells}, {bars})[0])"]
    pair = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate()[0] for process in pair]
    if any(process.returncode for process in pair):
        raise RuntimeError(f"an in-process sweep failed: {outputs}")
    return sum(float(out.strip().splitlines()[-1]) for out in outputs)


def optimize_rate(cells: int, bars: int) -> float:
    """Cells per minute of backtesting.py's Backtest.optimize over the same grid and bars."""
    frame = bench_frame(bars)
    index = pd.to_datetime(frame.ts, utc=True).tz_localize(None)
    data = pd.DataFrame({"Open": frame.open, "High": frame.high, "Low": frame.low, "Close": frame.close,
                         "Volume": frame.volume}, index=index)
    values = grid(cells)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engine = Backtest(data, PeerSmaCross, cash=100_000_000, commission=0.0, finalize_trades=True)
        began = time.perf_counter()
        engine.optimize(fast=values["fast"], slow=values["slow"], maximize="Sharpe Ratio")
        seconds = time.perf_counter() - began
    return len(values["fast"]) * len(values["slow"]) / seconds * 60


# --- CPU accounting ---------------------------------------------------------------------------
def process_cpu(pid: int) -> float:
    """User + system CPU seconds of one process (all its threads); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def machine_cpu() -> float:
    """CPU seconds every core of the machine has been busy since boot (not idle, not waiting on disk)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


@dataclass
class Stack:
    url: str
    web: subprocess.Popen[bytes]
    scheduler: subprocess.Popen[bytes]
    workers: subprocess.Popen[bytes]
    port: int
    db: psycopg.Connection
    redis: redis.Redis


@dataclass
class CpuSnapshot:
    """CPU seconds per process, grouped by kind, at one moment."""

    pids: dict[str, dict[int, float]] = field(default_factory=dict)
    redis: float = 0.0
    machine: float = 0.0

    @classmethod
    def take(cls, stack: Stack) -> CpuSnapshot:
        own_backend = stack.db.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        backends = [pid for (pid,) in stack.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
        groups = {"workers": descendants(stack.workers.pid), "web": descendants(stack.web.pid),
                  "scheduler": descendants(stack.scheduler.pid), "postgres": backends,
                  "benchmark": [os.getpid(), own_backend]}
        info = stack.redis.info("cpu")
        return cls({kind: {pid: process_cpu(pid) for pid in pids} for kind, pids in groups.items()},
                   float(info["used_cpu_user"]) + float(info["used_cpu_sys"]), machine_cpu())

    def used_since(self, before: CpuSnapshot) -> dict[str, float]:
        used = {kind: sum(cpu - before.pids.get(kind, {}).get(pid, 0.0) for pid, cpu in pids.items())
                for kind, pids in self.pids.items()}
        used["redis"] = self.redis - before.redis
        used["rest of the machine"] = max(0.0, self.machine - before.machine - sum(used.values()))
        return used


@contextmanager
def stack_on(url: str, processes: int) -> Iterator[Stack]:
    namespace = f"weaver-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL,
           "WEAVER_API_TOKEN": TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace, "WEAVER_LOG_LEVEL": "WARNING"}

    def spawn(*args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen([str(BIN / "weaver"), *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    port = free_port()
    started: list[subprocess.Popen[bytes]] = []
    client = redis.Redis.from_url(REDIS_URL)
    try:
        started.append(spawn("web", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"))
        started.append(spawn("scheduler"))
        started.append(spawn("worker", "--queues", "backtest", "--processes", str(processes), "--threads", "1"))
        wait_healthy(started[0], port, "weaver web")
        settings = load_settings(_env_file=None, database_url=url, broker="redis", redis_url=REDIS_URL,
                                 api_token=TOKEN)
        services = build_services(settings, namespace=namespace, listen=False)
        try:
            deadline = time.monotonic() + 60
            while services.queue.heartbeats.alive().get("backtest", 0) < processes:
                if time.monotonic() > deadline:
                    raise RuntimeError("workers did not start")
                time.sleep(0.2)
        finally:
            services.close()
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as db:
            yield Stack(url, *started, port=port, db=db, redis=client)  # type: ignore[misc]
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        keys = client.keys(f"{namespace}*")
        if keys:
            client.delete(*keys)


def store_bars(url: str, bars: int) -> None:
    services = build_services(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                              listen=False)
    frame = bench_frame(bars)
    services.bars.store_arrays("SYN", "1Min", np.asarray(frame.ts), {
        name: [f"{v:.2f}" for v in getattr(frame, name).tolist()] for name in ("open", "high", "low", "close")
    } | {"volume": [str(int(v)) for v in frame.volume.tolist()]}, source="synthetic")
    services.close()


def shifted(values: dict[str, list[int]], bars: int = 1) -> dict[str, list[int]]:
    """The grid `bars` longer in every average: as much work, but none of its averages are the timed grid's."""
    return {name: [v + bars for v in vs] for name, vs in values.items()}


def wait_finished(api: requests.Session, url: str, minutes: int) -> dict:
    """GET `url` every POLL_SECONDS until its status is final; its last state."""
    deadline = time.monotonic() + minutes * 60
    while (state := api.get(url, timeout=30).json())["status"] not in ("completed", "failed", "cancelled"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not finish in {minutes} minutes: {state['status']}")
        time.sleep(POLL_SECONDS)
    return state


def timed_sweep(stack: Stack, api: requests.Session, values: dict[str, list[int]]) -> tuple[int, float]:
    """Post one sweep and wait for it: its cell count and the seconds from the POST to its last cell's
    `finished_at`."""
    base = f"http://127.0.0.1:{stack.port}/api/v1/sweeps"
    began = datetime.now(UTC)
    answer = api.post(base, json={"strategy": "sma_cross", "symbols": ["SYN"], "timeframe": "1Min",
                                  "cash": "100000", "grid": values}, timeout=30)
    answer.raise_for_status()
    sweep = answer.json()
    state = wait_finished(api, f"{base}/{sweep['id']}", minutes=10)
    if state["status"] != "completed" or state["failed"]:
        raise RuntimeError(f"sweep {state['status']}, {state['failed']} cells failed")
    last = stack.db.execute("SELECT max(finished_at) FROM runs WHERE sweep_id = %s",
                            (sweep["id"],)).fetchone()[0]  # type: ignore[index]
    return sweep["total"], (last - began).total_seconds()


def round_with(processes: int, cells: int, bars: int) -> tuple[float, dict[str, float], float, float]:
    """On a fresh stack: the first sweep after the workers start (the grid shifted by one bar), then the
    timed one on a running stack. Its cells per minute, the CPU seconds each kind of process used
    during it, its seconds; and the first sweep's cells per minute."""
    with scratch_postgres() as url:
        store_bars(url, bars)
        with stack_on(url, processes) as stack:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {TOKEN}"
            first_total, first_seconds = timed_sweep(stack, api, shifted(grid(cells)))
            before = CpuSnapshot.take(stack)
            total, seconds = timed_sweep(stack, api, grid(cells))
            used = CpuSnapshot.take(stack).used_since(before)
            return total / seconds * 60, used, seconds, first_total / first_seconds * 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=48)
    parser.add_argument("--bars", type=int, default=39_000)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each worker count (best kept)")
    args = parser.parse_args()
    total = len(list(itertools.product(*grid(args.cells).values())))
    peer = [optimize_rate(args.cells, args.bars)]
    local, local_cpu = in_process_rate(args.cells, args.bars)
    rates = {1: 0.0, 2: 0.0}
    paired = 0.0
    firsts = {1: 0.0, 2: 0.0}
    cpu: dict[int, dict[str, float]] = {1: {}, 2: {}}
    seconds = {1: 0.0, 2: 0.0}
    for _ in range(args.rounds):  # alternating, best of each: other load on the machine comes and goes
        for n in rates:
            rate, used, took, first = round_with(n, args.cells, args.bars)
            firsts[n] = max(firsts[n], first)
            if rate > rates[n]:
                rates[n], cpu[n], seconds[n] = rate, used, took
        again, again_cpu = in_process_rate(args.cells, args.bars)
        local, local_cpu = max(local, again), min(local_cpu, again_cpu)
        paired = max(paired, side_by_side_rate(args.cells, args.bars))
    peer.append(optimize_rate(args.cells, args.bars))
    optimize = sum(peer) / len(peer)  # before and after the worker rounds: the machine's speed drifts
    print(f"sweep of {total} sma_cross cells on {args.bars:,} one-minute bars, real Redis + Postgres, "
          f"best of {args.rounds} rounds:")
    for n, rate in rates.items():
        print(f"  {n} worker process{'es' if n > 1 else ''}: {rate:,.1f} cells/min (×{rate / optimize:.2f} "
              f"backtesting.py's)")
    for n, rate in firsts.items():
        print(f"  ... the first sweep after {n} worker process{'es' if n > 1 else ''} started (its grid one bar "
              f"longer): {rate:,.1f} cells/min (×{rate / optimize:.2f}): a new process reads the bars once and "
              f"warms up")
    print(f"  weaver sweep, in process: {local:,.1f} cells/min (×{local / optimize:.2f} backtesting.py's)")
    print(f"  backtesting.py Backtest.optimize: {optimize:,.1f} cells/min ({peer[0]:,.1f} before, {peer[1]:,.1f} "
          f"after)")
    print(f"  a worker cell costs ×{local / rates[1]:.2f} an in-process cell in time (1 process; target ≤ 1.2)")
    ours = [k for k in KINDS if k not in ("benchmark", "rest of the machine")]
    for n in rates:
        per_cell = sum(cpu[n].get(k, 0.0) for k in ours) / total
        print(f"  ... and ×{per_cell / local_cpu:.2f} in CPU ({n} process{'es' if n > 1 else ''}: "
              f"{per_cell * 1000:.1f} ms a cell in workers, Postgres, Redis, web and scheduler, against "
              f"{local_cpu * 1000:.1f} ms in process)")
    print(f"  scaling 1 → 2 processes: ×{rates[2] / rates[1]:.2f} (target ≥ 1.8, on a {os.cpu_count()}-core machine)")
    print(f"  ... the machine's own: two in-process sweeps side by side {paired:,.1f} cells/min together, "
          f"×{paired / local:.2f} one alone (the ceiling; what the workers lose under it is their own overhead)")
    print(f"  2 processes / backtesting.py: ×{rates[2] / optimize:.2f} (target ≥ 10)")
    cores = os.cpu_count() or 1
    for n in rates:
        print(f"CPU seconds during the best {n}-process round ({seconds[n]:.2f} s, {seconds[n] * cores:.2f} CPU-s on "
              f"{cores} cores):")
        for kind in KINDS:
            used = cpu[n].get(kind, 0.0)
            print(f"  {kind:>20}: {used:6.2f} s ({used / (seconds[n] * cores):5.1%})")


if __name__ == "__main__":
    main()
