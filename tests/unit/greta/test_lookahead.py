"""The lookahead check flags a strategy that peeks at the next bar and passes sma_cross."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from app.greta import BacktestConfig
from app.greta.data import synthetic_bars
from app.greta.lookahead import check_lookahead
from app.marvin import Strategy


def next_close(close: np.ndarray) -> np.ndarray:
    """Tomorrow's close, today: the classic shift(-1) mistake."""
    return np.append(close[1:], np.nan)


class Peeker(Strategy):
    name = "peeker"

    def init(self):
        self.today = self.data.close
        self.tomorrow = self.I(next_close, self.data.close)

    def next(self):
        if self.tomorrow[-1] > self.today[-1] * 1.002 and not self.position:
            self.buy(percent=100)
        elif self.tomorrow[-1] < self.today[-1] * 0.998 and self.position:
            self.close()


def test_lookahead_check_flags_a_strategy_that_reads_the_next_bar():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("peeker", cash=Decimal("10000")), bars, strategy=Peeker, max_checks=10)
    assert report.biased and report.checked == 20 and report.signal_bars > 10  # 10 signal bars, 10 quiet ones
    traded = [f for f in report.findings if f.full_run]
    assert traded and all(f.truncated_run == () for f in traded)  # cut after the bar, tomorrow is unknown: no order
    assert report.findings[0].indicators == ("next_close",)
    assert "lookahead bias" in report.summary()


def test_lookahead_check_passes_sma_cross():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("sma_cross", {"fast": 5, "slow": 20}), bars, max_checks=10)
    assert not report.biased and report.checked == 20
    assert "no lookahead bias" in report.summary()


def falls_ahead(close: np.ndarray) -> np.ndarray:
    """1 where the close 5 bars later is over 2 % lower: a "risk filter" that reads the future."""
    flags = np.zeros(len(close))
    flags[:-5] = close[5:] / close[:-5] - 1 < -0.02
    return flags


class CrashDodger(Strategy):
    """Buys a share every bar except before a fall it can see coming: the peek only keeps it out,
    so on every bar where it did trade, the truncated run trades the same."""

    name = "crash_dodger"

    def init(self):
        self.danger = self.I(falls_ahead, self.data.close)

    def next(self):
        if not self.danger[-1]:
            self.buy(size=1)


def test_lookahead_check_flags_a_peek_that_only_suppresses_orders():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("crash_dodger", cash=Decimal("1000000")), bars, strategy=CrashDodger,
                             max_checks=10)
    assert report.biased
    # Only where it stayed out does the truncated run (which cannot see the fall) buy.
    assert {f.full_run for f in report.findings} == {()}
    assert all(f.truncated_run and f.indicators == ("falls_ahead",) for f in report.findings)
