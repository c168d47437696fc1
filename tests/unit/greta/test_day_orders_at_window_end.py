"""A day order expires at its session's end; a window that stops mid-session (a drift replay of the bars a
live run has seen so far, a CSV that ends at noon) has not reached that end, so the order is still working
when the window ends. Trial 23 saw a DAY limit "expired" at the last bar of a window ending at 08:13, where
the paper run still had it working, and the same bar's order read "expired" or "filled" as the window grew."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from app.clock.sessions import cut_before_close
from app.clock.timeframes import parse_timeframe
from app.greta import Backtest, BacktestConfig
from app.greta.data import synthetic_bars
from app.marvin import Strategy


class FarDayLimits(Strategy):
    """A DAY buy limit at half the price (never filled) on bar 100 (first session) and on bar 400 (second)."""

    name = "far_day_limits"

    def next(self) -> None:
        if self.index in (100, 400):
            self.buy(size=1, limit=round(float(self.data.close[-1]) / 2, 2), time_in_force="day")


def statuses(bars: int) -> list[str]:
    frame = synthetic_bars("AAA", bars, seed=2, timeframe="1Min")  # 390 bars a session, 09:30-16:00 New York
    result = Backtest(BacktestConfig("far_day_limits", cash=Decimal("100000")), frame, strategy=FarDayLimits).run()
    return [order.status for order in result.orders]


def test_a_day_order_is_still_working_when_the_window_ends_mid_session():
    assert statuses(500) == ["expired", "new"]  # the second session's 110 bars end at 11:20: not its end


def test_a_day_order_expires_at_the_close_of_a_window_that_reaches_it():
    assert statuses(780) == ["expired", "expired"]


@pytest.mark.parametrize(("last_bar", "timeframe", "cut"), [
    ("2024-03-05T15:59:00-05:00", "1Min", False),  # its bar ends at 16:00: the session is whole
    ("2024-03-05T15:58:00-05:00", "1Min", True),
    ("2024-03-05T03:13:47-05:00", "1Sec", True),  # the local exchange's night bars
    ("2024-07-05T15:00:00-04:00", "1Hour", False),  # summer time
    ("2024-03-05T00:00:00+00:00", "1Day", False),  # a daily bar is a whole session
])
def test_cut_before_close(last_bar, timeframe, cut):
    ns = int(datetime.fromisoformat(last_bar).timestamp()) * 1_000_000_000
    assert cut_before_close(ns, parse_timeframe(timeframe)) is cut
