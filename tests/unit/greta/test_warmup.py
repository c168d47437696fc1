"""Warm-up bars: the indicators see them, the strategy never trades on them (the drift report replays
a live run's warm-up this way)."""

from __future__ import annotations

from decimal import Decimal

from app.greta import Backtest, BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.marvin import Strategy
from app.marvin.indicators import ema, rsi


class Recorder(Strategy):
    """Reads 20 bars back on every bar it trades, and buys one share on its first one."""

    name = "recorder"

    def init(self) -> None:
        self.fast = self.I(ema, self.data.close, 10)
        self.strength = self.I(rsi, self.data.close, 14)
        self.seen: list[tuple[int, float | None, float, float, int]] = []

    def next(self) -> None:
        back = self.data.close[-20] if len(self.data) >= 20 else None  # a full-history run starts at bar 0
        self.seen.append((self.index, back, self.fast[-1], self.strength[-1], len(self.data)))
        if len(self.seen) == 1:
            self.buy(size=1)


def _backtest(bars: int, warmup: int) -> Backtest:
    backtest = Backtest(BacktestConfig("recorder", cash=Decimal("100000")), synthetic_bars("AAA", bars, seed=3),
                        strategy=Recorder, warmup=warmup)
    backtest.run()
    return backtest


def test_the_first_traded_bar_reads_twenty_bars_back_from_the_warm_up():
    backtest = _backtest(60, warmup=30)
    strategy = backtest.runner.strategy
    closes = backtest.market.frames[0].close
    first = strategy.seen[0]
    assert first[0] == 30 and first[4] == 31
    assert first[1] == closes[30 - 19]


def test_no_order_is_placed_during_the_warm_up():
    backtest = _backtest(60, warmup=30)
    orders = backtest.broker.orders
    assert len(orders) == 1 and orders[0].submitted == 30
    assert [i for i, *_ in backtest.runner.strategy.seen] == list(range(30, 60))


def test_indicators_after_the_warm_up_equal_a_full_history_run():
    full = {i: rest for i, *rest in _backtest(80, warmup=0).runner.strategy.seen}
    warmed = _backtest(80, warmup=40).runner.strategy.seen
    for index, *rest in warmed:
        assert rest == full[index]


def test_a_warm_up_longer_than_the_bars_trades_nothing():
    result = run_backtest(BacktestConfig("recorder"), synthetic_bars("AAA", 10, seed=3), strategy=Recorder,
                          warmup=50)
    assert result.orders == ()


def test_the_result_begins_after_the_warm_up():
    """An out-of-sample run is judged on its test window: the curve, bars and benchmark start at the first
    traded bar, at the starting cash."""
    bars = synthetic_bars("AAA", 60, seed=3)
    result = run_backtest(BacktestConfig("recorder", cash=Decimal("100000")), bars, strategy=Recorder, warmup=30)
    assert result.bars == 30 and result.metrics["bars"] == 30
    assert result.start.timestamp() * 1e9 == bars.ts[30]
    assert result.equity.ts.tolist() == bars.ts[30:].tolist()
    assert result.equity.equity[0] == 100000.0 and result.equity.benchmark_e4[0] == 100000 * 10_000
    expected = 100000 * bars.close[-1] / bars.close[30]
    assert abs(result.equity.benchmark_e4[-1] / 10_000 - expected) < 0.0001
    assert abs(result.metrics["benchmark_return_pct"] - (bars.close[-1] / bars.close[30] - 1) * 100) < 1e-6
