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
    assert report.biased and report.checked == 10 and report.signal_bars > 10
    assert all(f.truncated_run == () for f in report.findings)  # cut after the bar, tomorrow is unknown: no order
    assert report.findings[0].indicators == ("next_close",)
    assert "lookahead bias" in report.summary()


def test_lookahead_check_passes_sma_cross():
    bars = synthetic_bars("AAA", 300, seed=2)
    report = check_lookahead(BacktestConfig("sma_cross", {"fast": 5, "slow": 20}), bars, max_checks=10)
    assert not report.biased and report.checked == 10
    assert "no lookahead bias" in report.summary()
