"""`next_only_when = "signal"`: next() runs only on the bars where the signal is non-zero, and a
backtest skips the others in bulk. The results must be exactly those of calling next() on every bar."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.greta import Backtest, BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.greta.serialize import result_to_json
from app.marvin import Strategy
from app.marvin.indicators import crossover, sma
from app.marvin.strategies.sma_cross import SmaCross


class EveryBar(SmaCross):
    """sma_cross with next() called on every bar."""

    name = "sma_cross_every_bar"
    next_only_when = None


@pytest.mark.parametrize("chunk", [None, 7, 1000])
@pytest.mark.parametrize("warmup", [0, 45])
@pytest.mark.parametrize("options", [
    {},
    {"allow_short": True, "fees": "alpaca", "slippage": "5bp", "fractional": True},
])
def test_skipping_the_bars_without_a_cross_changes_nothing(chunk: int | None, warmup: int, options: dict) -> None:
    frame = synthetic_bars("AAA", 3000, seed=11, timeframe="1Min")
    params = {"fast": 5, "slow": 12, "percent": 90.0, "allow_short": options.get("allow_short", False)}
    config = BacktestConfig("sma_cross", params, cash=Decimal("25000"), **options)
    sparse = run_backtest(config, [frame], chunk=chunk, warmup=warmup, progress=lambda *_: None)
    dense = run_backtest(config, [frame], chunk=chunk, warmup=warmup, progress=lambda *_: None, strategy=EveryBar)
    assert len(sparse.trades) > 20
    assert result_to_json(sparse) == result_to_json(dense)


class Counter(Strategy):
    """Wakes on an up-cross of the close over its 3-bar average and records what it sees then."""

    name = "counter"
    next_only_when = "signal"

    def init(self) -> None:
        self.signal = self.I(crossover, self.data.close, self.I(sma, self.data.close, 3))
        self.seen: list[tuple[int, int, float, float]] = []

    def next(self) -> None:
        close = self.data.close
        self.seen.append((self.index, len(close), close[-1], close[-2]))


def test_next_runs_on_the_signal_bars_only_and_the_lines_are_whole_then_and_after() -> None:
    frame = synthetic_bars("AAA", 500, seed=4, timeframe="1Min")
    backtest = Backtest(BacktestConfig("counter", cash=Decimal("1000")), [frame], strategy=Counter)
    backtest.run(chunk=50)
    strategy = backtest.runner.strategy
    signal = crossover(frame.close, sma(frame.close, 3))
    wakes = [i for i in range(len(frame)) if signal[i] != 0]
    assert 10 < len(wakes) < 250
    assert [i for i, *_ in strategy.seen] == wakes
    assert all(length == i + 1 for i, length, _, _ in strategy.seen)
    assert [(now, before) for _, _, now, before in strategy.seen] == [
        (frame.close[i], frame.close[i - 1]) for i in wakes]
    assert list(strategy.signal) == signal.tolist() and len(strategy.data.close) == len(frame)
    assert backtest.runner.index == len(frame) - 1


class PairWatcher(Strategy):
    """Wakes on AAA's cross (and does nothing without one) and reads BBB's close then: every symbol's
    Lines must be caught up."""

    name = "pair_watcher"
    next_only_when = "signal"
    multi_symbol = True

    def init(self) -> None:
        close = self.datas["AAA"].close
        self.signal = self.I(crossover, close, self.I(sma, close, 4))
        self.other = self.datas["BBB"].close
        self.seen: list[tuple[int, int, float]] = []

    def next(self) -> None:
        self.seen.append((self.index, len(self.other), self.other[-1]))
        signal = self.signal[-1]
        if signal > 0:
            self.buy("BBB", size=1)
        elif signal < 0 and self.position_of("BBB"):
            self.close("BBB")


def test_every_symbols_lines_are_caught_up_when_next_wakes() -> None:
    frames = [synthetic_bars(symbol, 800, seed=seed, timeframe="1Min") for symbol, seed in (("AAA", 1), ("BBB", 2))]
    backtest = Backtest(BacktestConfig("pair_watcher", cash=Decimal("100000")), frames, strategy=PairWatcher)
    result = backtest.run(chunk=64)
    signal = crossover(frames[0].close, sma(frames[0].close, 4))
    wakes = [i for i in range(800) if signal[i] != 0]
    assert [(i, length, close) for i, length, close in backtest.runner.strategy.seen] == [
        (i, i + 1, frames[1].close[i]) for i in wakes]
    assert len(result.trades) > 20 and {t.symbol for t in result.trades} == {"BBB"}
    every_bar = type("PairEveryBar", (PairWatcher,), {"next_only_when": None})
    dense = Backtest(BacktestConfig("pair_watcher", cash=Decimal("100000")), frames, strategy=every_bar).run(chunk=64)
    assert result_to_json(result) == result_to_json(dense)
