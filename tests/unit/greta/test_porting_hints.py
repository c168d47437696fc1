"""Strategies written the backtesting.py way: where Marvin's names mean something else, the error says what
to write instead, in a backtest and a paper run alike; where the meaning is the same, the name works
(trial 39: `if crossover(self.fast, self.slow):` in next() failed with numpy's words alone)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.greta import BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.engine import run_backtest
from app.greta.strategy_failure import StrategyFailed
from app.marvin import Strategy
from app.marvin.indicators import crossed_above, crossed_below, crossover, sma
from app.veda.tick import failure_text

BARS = synthetic_bars("AAA", 300, seed=3)
CONFIG = BacktestConfig("ported", cash=Decimal(100_000))


class PortedCross(Strategy):
    name = "ported"

    def init(self) -> None:
        self.fast, self.slow = self.I(sma, self.data.close, 10), self.I(sma, self.data.close, 30)

    def next(self) -> None:
        if crossover(self.fast, self.slow):  # backtesting.py's crossover: a yes/no for this bar
            self.buy(percent=50)


class Rewritten(PortedCross):
    """As the hint says: crossed_above / crossed_below in next(), and backtesting.py's position.is_long."""

    def next(self) -> None:
        if crossed_above(self.fast, self.slow) and not self.position.is_long:
            self.buy(percent=50)
        elif crossed_below(self.fast, self.slow) and self.position.is_long and not self.position.is_short:
            self.close()


def test_crossover_read_as_a_yes_or_no_in_next_says_what_to_write_instead():
    with pytest.raises(StrategyFailed) as failed:
        run_backtest(CONFIG, [BARS], strategy=PortedCross)
    assert "ValueError: The truth value of an array" in str(failed.value)
    assert str(failed.value).endswith(
        "(hint: a whole array was read as one yes/no: Marvin's crossover(a, b) is the signal line, made once in "
        "init() (self.I(crossover, fast, slow)); in next(), ask crossed_above(a, b) or crossed_below(a, b), or "
        "compare a[-1] with b[-1])")
    # a paper run's stop says the same
    live = failure_text(failed.value.__cause__, "2026-12-07T10:00:00+00:00")
    assert live.endswith("or compare a[-1] with b[-1])") and "hint:" in live


def test_the_rewritten_strategy_trades_as_the_signal_line_does():
    result = run_backtest(CONFIG, [BARS], strategy=Rewritten)
    assert result.metrics["trades"] > 0

    class SignalLine(PortedCross):
        def init(self) -> None:
            super().init()
            self.signal = self.I(crossover, self.fast, self.slow)

        def next(self) -> None:
            if self.signal[-1] > 0 and not self.position:
                self.buy(percent=50)
            elif self.signal[-1] < 0 and self.position:
                self.close()

    same = run_backtest(CONFIG, [BARS], strategy=SignalLine)
    assert [(t.entry_ts, t.exit_ts) for t in same.trades] == [(t.entry_ts, t.exit_ts) for t in result.trades]


def test_position_close_names_the_strategys_close():
    class ClosesPosition(PortedCross):
        def next(self) -> None:
            if not self.position:
                self.buy(size=1)
            else:
                self.position.close()

    with pytest.raises(StrategyFailed, match=r"'Position' object has no attribute 'close' .*\(hint: self.position "
                                             r"is the signed quantity held; close it with self.close\(\)\)"):
        run_backtest(CONFIG, [BARS], strategy=ClosesPosition)
