"""Indicators with no value on any traded bar are named; a warm-up's bars do not count, and integer or
boolean indicators (a signal of zeros) are never 'unfilled'."""

from __future__ import annotations

import numpy as np

from app.greta.unfilled import unfilled_indicators


def test_only_an_indicator_without_a_value_on_the_traded_bars_is_named() -> None:
    nan = np.full(10, np.nan)
    late = np.concatenate([np.full(6, np.nan), np.ones(4)])
    indicators = {"SMA 50": ("AAA", nan), "SMA 5": ("AAA", late), "signal": ("AAA", np.zeros(10, dtype=np.int64))}
    assert unfilled_indicators(indicators, 0) == (
        "the indicator SMA 50 of AAA has no value on any of the run's 10 bars: it needs more bars than the run's "
        "window holds, so the strategy never acted on it",)


def test_values_only_in_the_warm_up_do_not_count_and_values_after_it_do() -> None:
    early = np.concatenate([np.ones(3), np.full(7, np.nan)])
    late = np.concatenate([np.full(6, np.nan), np.ones(4)])
    assert len(unfilled_indicators({"x": ("AAA", early)}, 3)) == 1
    assert unfilled_indicators({"x": ("AAA", late)}, 3) == ()
