"""Backtest engine throughput: bars per second and peak memory, data already in memory (no database).

0. Against backtesting.py's engine (benchmarks/peer_backtesting_py.py) on the same bars and SMA values,
   alternating in the same minutes, best of `--repeat`: Greta's bars/s without and with every record
   built, the peer's, and the ratios (targets: 25x and 12x). The ratio is the figure that holds on a
   shared machine; the bare bars/s below vary with the machine's load.
1. SMA crossover 10/20, all-in (percent=100), long only, market orders filled at the next open, no
   fees, on 1,000,000 synthetic 1-minute bars of one symbol.
2. Momentum rotation (lookback 20, every 20 bars, top 5) over 20 symbols on one clock.

Usage: .venv/bin/python -m benchmarks.backtest_throughput [--bars 1000000] [--symbols 20]
       [--rotation-bars 50000] [--repeat 3] [--peer-only | --no-peer]

The machine is shared, so each case runs `--repeat` times and the best and median are printed
(wall time and this process's CPU time). Memory is measured in a separate run under tracemalloc,
which slows Python down and so is never timed.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

from app.greta import Backtest, BacktestConfig, BacktestResult
from app.greta.annualise import annualisation
from app.greta.data import synthetic_bars
from app.marvin import BarFrame


def timed(run: Callable[[], BacktestResult], repeat: int) -> tuple[list[float], list[float], BacktestResult]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    return walls, cpus, result


def peak_memory(run: Callable[[], BacktestResult]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def report(title: str, bars: int, walls: list[float], cpus: list[float], peak_mb: float, unit: str = "bars") -> None:
    best, median, cpu = min(walls), statistics.median(walls), min(cpus)
    print(f"{title}")
    print(f"  {bars:,} {unit}: best {best:.3f}s = {bars / best:,.0f} {unit}/s; median {median:.3f}s = "
          f"{bars / median:,.0f} {unit}/s; best CPU time {cpu:.3f}s = {bars / cpu:,.0f} {unit}/s")
    print(f"  peak traced memory during the run: {peak_mb:,.0f} MB")


def phases(config: BacktestConfig, data: list[BarFrame]) -> str:
    """Where one run's time goes: set-up (indicators), the bar loop, and building the result."""
    gc.disable()  # as Backtest.run does
    backtest = Backtest(config, data)
    started = time.perf_counter()
    backtest.runner.start(backtest.market, venue=backtest.broker)
    loop = time.perf_counter()
    backtest.runner.run_range(0, len(backtest.market))
    done = time.perf_counter()
    from app.greta.results import build_result

    result = build_result(config.to_dict(), backtest.broker, annualisation(
        backtest.market.timeline, backtest.timeframe, backtest.instruments[backtest.market.symbols[0]]))
    built = time.perf_counter()
    records = len(result.orders) + len(result.fills) + len(result.trades)
    materialised = time.perf_counter()
    gc.enable()
    bars = len(backtest.market)
    return (f"  phases: init+indicators {loop - started:.3f}s, bar loop {done - loop:.3f}s, result (equity curve, "
            f"metrics) {built - done:.3f}s; building {records:,} order/fill/trade records on demand "
            f"{materialised - built:.3f}s\n"
            f"  with every record built as Python objects (what the JSON and the DB write read): "
            f"{bars / (materialised - started):,.0f} bars/s")


def run_sma(config: BacktestConfig, frame: BarFrame, records: bool) -> BacktestResult:
    """One run; with `records`, every order, fill and trade record built too (what the JSON, the
    Parquet files and the database write read)."""
    result = Backtest(config, [frame]).run()
    if records:
        result.orders, result.fills, result.trades  # noqa: B018 - built on first access
    return result


def compare_with_peer(frame: BarFrame, repeat: int) -> None:
    """Greta and backtesting.py's engine on the same bars and SMA values, alternating, best of `repeat`:
    the ratio is what holds on a shared machine. Greta is timed twice per round: `run()` alone, and
    `run()` with every order, fill and trade record built."""
    from benchmarks.peer_backtesting_py import peer_frame, peer_run

    sma = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 99.99}, cash=Decimal("100000000"))
    data = peer_frame(frame)
    best = {"greta": float("inf"), "records": float("inf"), "peer": float("inf")}
    cpu = dict(best)
    trades = {}
    for _ in range(repeat):
        for name in ("greta", "records"):
            gc.collect()  # untimed: each run pays for its own garbage, not the previous run's
            started, used = time.perf_counter(), time.process_time()
            result = run_sma(sma, frame, records=name == "records")
            best[name] = min(best[name], time.perf_counter() - started)
            cpu[name] = min(cpu[name], time.process_time() - used)
            trades[name] = result.metrics["trades"]
            del result
        gc.collect()
        seconds, used, trades["peer"] = peer_run(data)
        best["peer"], cpu["peer"] = min(best["peer"], seconds), min(cpu["peer"], used)
    bars = len(frame)
    rate = {name: bars / seconds for name, seconds in best.items()}
    on_cpu = {name: bars / seconds for name, seconds in cpu.items()}
    print(f"engine against backtesting.py's engine: {bars:,} 1Min bars, SMA 10/20 all-in, the same SMA values, "
          f"alternating, best of {repeat} (wall time; in brackets CPU time, steadier when the machine is shared)")
    print(f"  backtesting.py Backtest.run():          {rate['peer']:>12,.0f} bars/s  ({trades['peer']:,} trades)  "
          f"[{on_cpu['peer']:,.0f} bars/s of CPU]")
    for name, title in (("greta", "Greta run():"), ("records", "Greta run() + every record built:")):
        print(f"  {title:<40}{rate[name]:>12,.0f} bars/s  ({trades[name]:,} trades)  "
              f"ratio {rate[name] / rate['peer']:.1f}x  [CPU: {on_cpu[name]:,.0f} bars/s, "
              f"ratio {on_cpu[name] / on_cpu['peer']:.1f}x]")
    if not trades["greta"] == trades["records"] == trades["peer"]:
        print("  WARNING: the engines took different numbers of trades")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--symbols", type=int, default=20)
    parser.add_argument("--rotation-bars", type=int, default=50_000, help="bars per symbol in the rotation case")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-only", action="store_true", help="only the side-by-side run against backtesting.py")
    parser.add_argument("--no-peer", action="store_true", help="skip the side-by-side run against backtesting.py")
    args = parser.parse_args()
    frame = synthetic_bars("SYN", args.bars, seed=42, timeframe="1Min")
    if not args.no_peer:
        compare_with_peer(frame, args.repeat)
    if args.peer_only:
        return

    sma = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 100.0}, cash=Decimal("100000"))
    walls, cpus, result = timed(lambda: Backtest(sma, [frame]).run(), args.repeat)
    report(f"sma_cross 10/20 on 1 symbol, 1Min bars ({len(result.orders):,} orders, {len(result.trades):,} trades)",
           args.bars, walls, cpus, peak_memory(lambda: Backtest(sma, [frame]).run()))
    print(phases(sma, [frame]))
    slow = BacktestConfig("sma_cross", {"fast": 50, "slow": 200, "percent": 100.0}, cash=Decimal("100000"))
    walls, cpus, result = timed(lambda: Backtest(slow, [frame]).run(), args.repeat)
    print(f"  for comparison, sma_cross 50/200 on the same bars ({len(result.orders):,} orders): "
          f"best {args.bars / min(walls):,.0f} bars/s (the cost is per order, not per bar)")

    symbols = [f"S{i:02d}" for i in range(args.symbols)]
    frames = [synthetic_bars(s, args.rotation_bars, seed=7, timeframe="1Min") for s in symbols]
    rotation = BacktestConfig("momentum_rotation", {"lookback": 20, "every": 20, "top": 5}, cash=Decimal("100000"))
    walls, cpus, result = timed(lambda: Backtest(rotation, frames).run(), args.repeat)
    total = args.rotation_bars * args.symbols
    report(f"momentum_rotation over {args.symbols} symbols, {args.rotation_bars:,} steps each "
           f"({len(result.orders):,} orders)", total, walls, cpus,
           peak_memory(lambda: Backtest(rotation, frames).run()), unit="symbol-bars")
    print(f"  = {args.rotation_bars / min(walls):,.0f} clock steps/s (each step: {args.symbols} symbols)")
    print(f"process peak RSS (data generation included): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
