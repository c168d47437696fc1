"""Walk-forward throughput: a walk-forward of `--folds` folds × `--cells` cells through the API, with 1 and
with 2 worker processes, against the same backtests run in one process.

Each round gets a fresh database holding 39,000 synthetic one-minute bars and the production processes
(`weaver web`, `weaver scheduler`, `weaver worker --queues backtest --processes N --threads 1`, started
by benchmarks/sweep_throughput.py's `stack_on`). It posts a rolling walk-forward of SMA-crossover cells
(the test window a (folds + 5)th of the bars, the train window the rest before the folds' tests; no
contrast sweep, so the folds alone are measured) and times it from the POST to its `completed` (the
walk-forward row's `updated_at`, read from the database: polling every half second rounds nothing up).
As in sweep_throughput, the timed walk-forward runs on a running stack: a first one, every average one
bar longer (as much work, none of the timed averages), goes before it, and its time is printed too.
Beside it, in the same minutes: the same backtests in one process as `weaver sweep` runs them
(run_backtest per cell on each fold's train bars, then each fold's best cell on its warm-up and test
bars, without a database).

Issue 18's targets: 2 processes finish at least 1.8× as fast as 1; and the walk-forward takes no more
than 1.3× the time of the same backtests run in one process per worker process (with 2 processes:
against half the in-process time). It also gives the CPU seconds each kind of process used during the
best round of each worker count, as sweep_throughput does.

Usage: .venv/bin/python -m benchmarks.walkforward_throughput [--folds 8] [--cells 48] [--bars 39000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

import requests

from app.greta.engine import BacktestConfig, run_backtest
from app.marvin import BarFrame, indicator_memo
from benchmarks.common import scratch_postgres
from benchmarks.sweep_throughput import (
    KINDS,
    TOKEN,
    CpuSnapshot,
    Stack,
    bench_frame,
    grid,
    shifted,
    stack_on,
    store_bars,
    wait_finished,
)

WARMUP = 200  # bars before each test window for the OOS run's indicators (the slowest SMA is 90)


@dataclass(frozen=True)
class Plan:
    folds: int
    cells: int
    bars: int

    @property
    def test(self) -> int:
        return self.bars // (self.folds + 5)

    @property
    def train(self) -> int:
        return self.bars - self.folds * self.test

    @property
    def backtests(self) -> int:
        return self.folds * len(combos(self.cells)) + self.folds

    def body(self, shift: int = 0) -> dict:
        """The request; `shift` bars longer in every average (the first walk-forward on a new stack)."""
        values = shifted(grid(self.cells), shift)
        return {"strategy": "sma_cross", "symbols": ["SYN"], "timeframe": "1Min", "cash": "100000",
                "grid": values, "objective": "total_return_pct", "contrast": False,
                "folds": {"kind": "rolling", "train": self.train, "test": self.test, "warmup": WARMUP}}


def combos(cells: int) -> list[dict[str, int]]:
    values = grid(cells)
    return [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]


def window(frame: BarFrame, first: int, last: int) -> BarFrame:
    """Bars [first, last) of the frame."""
    return BarFrame(frame.symbol, frame.timeframe, frame.ts[first:last], frame.open[first:last],
                    frame.high[first:last], frame.low[first:last], frame.close[first:last], frame.volume[first:last],
                    check=False)


def in_process_seconds(plan: Plan) -> tuple[float, float]:
    """Seconds and CPU seconds of every fold's cells on its train bars, then its best cell out of sample
    (warm-up and test bars, closed at the end), run_backtest per backtest as `weaver sweep` runs them."""
    frame = bench_frame(plan.bars)
    config = BacktestConfig(strategy="sma_cross", params={}, cash=Decimal("100000"))
    indicator_memo.clear()  # cold, as a fresh `weaver sweep` process starts
    began, cpu = time.perf_counter(), time.process_time()
    for fold in range(plan.folds):
        start = fold * plan.test  # rolling: each fold moves on by the test length
        train = [window(frame, start, start + plan.train)]
        results = [(run_backtest(replace(config, params=p), train).metrics["total_return_pct"], i, p)
                   for i, p in enumerate(combos(plan.cells))]
        best = max(results, key=lambda r: (r[0], -r[1]))[2]
        test_first = start + plan.train
        oos = [window(frame, test_first - WARMUP, test_first + plan.test)]
        run_backtest(replace(config, params=best), oos, warmup=WARMUP, close_at_end=True)
    return time.perf_counter() - began, time.process_time() - cpu


def timed_walkforward(stack: Stack, api: requests.Session, plan: Plan, shift: int) -> float:
    """Post one walk-forward and wait for it: the seconds from the POST to its completion."""
    base = f"http://127.0.0.1:{stack.port}/api/v1/walkforwards"
    began = datetime.now(UTC)
    answer = api.post(base, json=plan.body(shift), timeout=60)
    answer.raise_for_status()
    wf = answer.json()
    if len(wf["folds"]) != plan.folds:
        raise RuntimeError(f"{len(wf['folds'])} folds planned, not {plan.folds}: {wf['skipped_folds']}")
    state = wait_finished(api, f"{base}/{wf['id']}", minutes=15)
    if state["status"] != "completed" or state["cells_done"] != plan.backtests:
        raise RuntimeError(f"walk-forward {state['status']} ({state['error']}), {state['cells_done']} of "
                           f"{plan.backtests} backtests done")
    last = stack.db.execute("SELECT updated_at FROM walkforwards WHERE id = %s",
                            (wf["id"],)).fetchone()[0]  # type: ignore[index]
    return (last - began).total_seconds()


def round_with(processes: int, plan: Plan) -> tuple[float, dict[str, float], float]:
    """On a fresh stack: a first walk-forward (every average one bar longer), then the timed one on the
    running stack. Its seconds from the POST to its completion, the CPU seconds each kind of process
    used during it, and the first one's seconds."""
    with scratch_postgres() as url:
        store_bars(url, plan.bars)
        with stack_on(url, processes) as stack:
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {TOKEN}"
            first = timed_walkforward(stack, api, plan, shift=1)
            before = CpuSnapshot.take(stack)
            took = timed_walkforward(stack, api, plan, shift=0)
            return took, CpuSnapshot.take(stack).used_since(before), first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=8)
    parser.add_argument("--cells", type=int, default=48)
    parser.add_argument("--bars", type=int, default=39_000)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each worker count (best kept)")
    args = parser.parse_args()
    plan = Plan(args.folds, args.cells, args.bars)
    local, local_cpu = in_process_seconds(plan)
    seconds = {1: float("inf"), 2: float("inf")}
    firsts = dict(seconds)
    cpu: dict[int, dict[str, float]] = {1: {}, 2: {}}
    for _ in range(args.rounds):  # alternating, best of each: other load on the machine comes and goes
        for n in seconds:
            took, used, first = round_with(n, plan)
            firsts[n] = min(firsts[n], first)
            if took < seconds[n]:
                seconds[n], cpu[n] = took, used
        again, again_cpu = in_process_seconds(plan)
        local, local_cpu = min(local, again), min(local_cpu, again_cpu)
    cells = len(combos(plan.cells))
    print(f"walk-forward of {plan.folds} folds × {cells} sma_cross cells (train {plan.train:,} bars, test "
          f"{plan.test:,}, warm-up {WARMUP}) on {plan.bars:,} one-minute bars, no contrast: {plan.backtests} "
          f"backtests; real Redis + Postgres, best of {args.rounds} round{'s' if args.rounds > 1 else ''}:")
    for n, took in seconds.items():
        print(f"  {n} worker process{'es' if n > 1 else ''}: {took:.2f} s from POST to completed (the first "
              f"walk-forward after the workers started, its averages one bar longer: {firsts[n]:.2f} s)")
    print(f"  the same backtests in one process (run_backtest per cell, as `weaver sweep`): {local:.2f} s "
          f"({local_cpu:.2f} CPU-s)")
    print(f"  scaling 1 → 2 processes: ×{seconds[1] / seconds[2]:.2f} (target ≥ 1.8, on a {os.cpu_count()}-core "
          f"machine)")
    print(f"  walk-forward / in process, 1 process: ×{seconds[1] / local:.2f} (target ≤ 1.3)")
    print(f"  walk-forward / in process per process, 2 processes: ×{seconds[2] / (local / 2):.2f} (target ≤ 1.3)")
    ours = [k for k in KINDS if k not in ("benchmark", "rest of the machine")]
    for n in seconds:
        per = sum(cpu[n].get(k, 0.0) for k in ours) / plan.backtests
        print(f"  ... in CPU ({n} process{'es' if n > 1 else ''}): {per * 1000:.1f} ms a backtest in workers, "
              f"Postgres, Redis, web and scheduler, against {local_cpu / plan.backtests * 1000:.1f} ms in process "
              f"(×{per / (local_cpu / plan.backtests):.2f})")
    cores = os.cpu_count() or 1
    for n in seconds:
        print(f"CPU seconds during the best {n}-process round ({seconds[n]:.2f} s, {seconds[n] * cores:.2f} CPU-s "
              f"on {cores} cores):")
        for kind in KINDS:
            used = cpu[n].get(kind, 0.0)
            print(f"  {kind:>20}: {used:6.2f} s ({used / (seconds[n] * cores):5.1%})")


if __name__ == "__main__":
    main()
