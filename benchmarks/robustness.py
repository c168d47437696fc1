"""Robustness tests against one backtest of the run they test (issue 18: "Monte Carlo with 1,000
resamples of 1,000 trades costs less than one backtest of the run it tests").

The run: sma_cross 10/20, all-in, long only, on `--bars` synthetic 1-minute bars (39,000 by default,
which give about 1,000 trades), data in memory. Its time is the engine's run alone (records not
built: the smaller, stricter figure). Then, on that run's trades, the Monte Carlo bootstrap and
shuffle of `--resamples` paths each and the random-entry benchmark (app/greta/robustness.py), as
POST /runs/{id}/robustness computes them. Backtest and tests alternate in the same minute, `--repeat`
times, best of each; the ratio (tests / backtest, below 1 is the target) is the figure that holds
on a shared machine. Run under `flock /tmp/weaver-bench.lock`.

With --postgres, the same run as a user has it, on a scratch Postgres database: the backtest as a
worker runs it (bars read, every record stored) against the endpoint's whole work (trades and bars
read, both Monte Carlo methods and the random entries), alternating too.

Usage: .venv/bin/python -m benchmarks.robustness [--bars 39000] [--resamples 1000] [--repeat 5] [--postgres]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal

import numpy as np

from app.bootstrap import bootstrap, build_services
from app.config import load_settings
from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.robustness import TradeShape, monte_carlo, random_entry, realised_returns
from app.marvin import BarFrame
from app.services.robustness import RobustnessAsk, run_robustness
from app.services.specs import RunCreate
from benchmarks.common import scratch_postgres


def best_of(run: Callable[[], object], times: list[float]) -> None:
    started = time.perf_counter()
    run()
    times.append(time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=39_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="also the backtest and the endpoint's work on Postgres")
    args = parser.parse_args()

    frame = synthetic_bars("SYN", args.bars, seed=42, timeframe="1Min")
    config = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 100.0}, cash=Decimal("100000"))
    result = Backtest(config, [frame]).run()
    trades = result.trades
    returns, before = realised_returns([float(t.pnl) for t in trades], 100_000.0)  # as the service computes them
    shapes = [TradeShape(t.symbol, t.direction == "short", t.bars_held, float(t.qty * t.entry_price) / equity)
              for t, equity in zip(trades, before, strict=True)]
    closes = {"SYN": np.asarray(frame.close, dtype=np.float64)}
    start = 100_000.0
    cases: dict[str, Callable[[], object]] = {
        "backtest (engine run)": lambda: Backtest(config, [frame]).run(),
        "monte carlo bootstrap": lambda: monte_carlo(returns, start, method="bootstrap", resamples=args.resamples),
        "monte carlo shuffle": lambda: monte_carlo(returns, start, method="shuffle", resamples=args.resamples),
        "random entry": lambda: random_entry(returns, shapes, closes, resamples=args.resamples),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.repeat):  # alternating, so both see the same load
        for name, run in cases.items():
            best_of(run, times[name])

    print(f"sma_cross 10/20 on {args.bars:,} 1Min bars: {len(trades):,} trades; {args.resamples:,} resamples; "
          f"best of {args.repeat}")
    best = {name: min(walls) for name, walls in times.items()}
    for name, seconds in best.items():
        print(f"  {name:<24} {seconds * 1000:9.1f} ms  (median {np.median(times[name]) * 1000:.1f} ms)")
    backtest = best["backtest (engine run)"]
    tests = sum(seconds for name, seconds in best.items() if name != "backtest (engine run)")
    bootstrap = best["monte carlo bootstrap"]
    print(f"  bootstrap / backtest: {bootstrap / backtest:.3f}")
    print(f"  all three tests (the endpoint's method=both) / backtest: {tests / backtest:.3f} "
          f"({'below' if tests < backtest else 'ABOVE'} one backtest)")
    if args.postgres:
        through_postgres(frame, args.resamples, args.repeat)


def through_postgres(frame: BarFrame, resamples: int, repeat: int) -> None:
    with scratch_postgres() as url:
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20),
                              listen=False)
        try:
            with container.uow() as uow:
                uow.bars.insert_columns("SYN", "1Min", frame.ts, *(np.asarray(getattr(frame, c)) for c in
                                                                   ("open", "high", "low", "close", "volume")),
                                        source="synthetic")
                uow.commit()
            services = build_services(container.settings, container=container)
            backtests, tests, trades = [], [], 0
            for _ in range(repeat):
                run = services.runs.create(RunCreate(strategy="sma_cross", symbols=["SYN"], timeframe="1Min",
                                                     params={"fast": 10, "slow": 20, "percent": 100.0},
                                                     cash="100000", start_now=True))
                started = time.perf_counter()
                assert services.backtests.execute(run.id) == "completed"
                backtests.append(time.perf_counter() - started)
                started = time.perf_counter()
                with container.read_session() as session:
                    trades = run_robustness(session, run.id, RobustnessAsk(resamples=resamples)).trades
                tests.append(time.perf_counter() - started)
        finally:
            container.close()
    print(f"on Postgres ({trades:,} trades), best of {repeat}:")
    print(f"  backtest as a worker runs it (bars read, records stored) {min(backtests) * 1000:9.1f} ms")
    print(f"  the endpoint's work (trades and bars read, method=both)  {min(tests) * 1000:9.1f} ms")
    print(f"  endpoint / backtest: {min(tests) / min(backtests):.3f}")


if __name__ == "__main__":
    main()
