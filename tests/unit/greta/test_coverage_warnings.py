"""A run of symbols whose bars cover different spans says so (trial 36: one symbol's order of 2019-01-02 filled a
year later at its first bar, the other was marked at a July 2020 close until 2024, silently)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.marvin import BarFrame

DAY = 86_400 * 10**9


def window(frame: BarFrame, first: int, last: int) -> BarFrame:
    return BarFrame(frame.symbol, frame.timeframe, frame.ts[first:last], frame.open[first:last], frame.high[first:last],
                    frame.low[first:last], frame.close[first:last], frame.volume[first:last], check=False)


def test_a_symbol_starting_late_and_one_ending_early_are_each_named():
    early = window(synthetic_bars("AAPL", 600, seed=1, timeframe="1Day"), 0, 300)
    late = synthetic_bars("MSFT", 600, seed=2, timeframe="1Day")
    late = window(late, 250, 600)
    result = run_backtest(BacktestConfig("buy_and_hold"), [early, late])
    day = lambda ns: str(np.datetime64(int(ns), "ns"))[:10]  # noqa: E731
    assert result.warnings == (
        f"AAPL has no bars after {day(early.ts[-1])} (the run ends {day(late.ts[-1])}): what is held of it is "
        "marked at that last close from then on",
        f"MSFT has no bars before {day(late.ts[0])} (the run starts {day(early.ts[0])}): an order for it before "
        "then fills at its first bar")


def test_symbols_over_the_same_span_say_nothing():
    a = synthetic_bars("AAA", 300, seed=1, timeframe="1Day")
    b = window(synthetic_bars("BBB", 302, seed=2, timeframe="1Day"), 1, 301)  # a day apart at each end
    assert run_backtest(BacktestConfig("buy_and_hold", cash=Decimal(10_000)), [a, b]).warnings == ()
