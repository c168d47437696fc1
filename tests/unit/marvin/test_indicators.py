"""Indicators against textbook tables and hand-computed values (expected numbers written out)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.marvin import indicators
from app.marvin.indicators import (
    atr,
    bollinger,
    crossed_above,
    crossed_below,
    crossover,
    ema,
    highest,
    log_returns,
    lowest,
    macd,
    returns,
    rsi,
    sma,
    true_range,
)

nan = math.nan


def same(actual, expected, places: int = 6) -> None:
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected, dtype=float), atol=10**-places, rtol=0,
                               equal_nan=True)


def test_sma_is_nan_during_warm_up_then_the_window_mean():
    same(sma([1, 2, 3, 4, 5], 3), [nan, nan, 2, 3, 4])


def test_sma_of_a_series_shorter_than_its_window_is_all_nan():
    same(sma([1, 2], 3), [nan, nan])


def test_averages_equal_in_exact_arithmetic_are_equal_floats_so_a_tie_is_not_a_cross():
    # Bar 19: mean of the last 10 closes = mean of all 20 = 118.096 exactly; a plain float sum gives
    # 118.09599999999998 for the 20-bar one. Bar 20: fast 118.118 < slow 118.1945, but from a tie.
    closes = [116.39, 115.85, 119.31, 118.26, 116.45, 117.19, 119.15, 119.82, 120.56, 117.98, 118.14, 117.25,
              119.18, 119.36, 120.17, 117.66, 116.36, 118.91, 116.99, 116.94, 118.36]
    fast, slow = sma(closes, 10), sma(closes, 20)
    assert fast[19] == slow[19] == 118.096
    assert (fast[20], slow[20]) == (118.118, 118.1945)
    assert crossover(fast, slow)[20] == 0.0


def test_ema_is_seeded_with_the_sma_then_smoothed_with_two_over_n_plus_one():
    # alpha = 0.5: seed mean(2, 4, 6) = 4; 4 + 0.5 × (8 - 4) = 6; 6 + 0.5 × (12 - 6) = 9
    same(ema([2, 4, 6, 8, 12], 3), [nan, nan, 4, 6, 9])


def test_rsi_matches_wilders_worked_example_from_stockcharts():
    closes = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28,
              46.28, 46.00, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18,
              44.22, 44.57, 43.42, 42.66, 43.13]
    # StockCharts' spreadsheet shows 70.53, 66.32, ... because it rounds the averages to 2 places at each
    # step; with exact arithmetic Wilder's method gives these (as TA-Lib does).
    expected = [70.46, 66.25, 66.48, 69.35, 66.29, 57.92, 62.88, 63.21, 56.01, 62.34, 54.67, 50.39, 40.02, 41.49,
                41.90, 45.50, 37.32, 33.09, 37.79]
    values = rsi(closes, 14)
    assert np.isnan(values[:14]).all()
    same(np.round(values[14:], 2), expected, places=9)


def test_rsi_is_100_without_losses_and_50_on_a_flat_series():
    assert rsi(list(range(1, 20)), 14)[-1] == 100.0
    assert rsi([5.0] * 20, 14)[-1] == 50.0


def test_macd_line_signal_and_histogram_by_hand():
    # fast EMA(2) of [1,3,2,5,4,6]: 2, 2, 4, 4, 5.333333 (from index 1)
    # slow EMA(3): 2, 3.5, 3.75, 4.875 (from index 2); line = fast - slow: 0, 0.5, 0.25, 0.458333
    # signal EMA(2) of the line: seed mean(0, 0.5) = 0.25, then 0.25, 0.388889
    line, signal, histogram = macd([1, 3, 2, 5, 4, 6], fast=2, slow=3, signal=2)
    same(line, [nan, nan, 0, 0.5, 0.25, 0.458333])
    same(signal, [nan, nan, nan, 0.25, 0.25, 0.388889])
    same(histogram, [nan, nan, nan, 0.25, 0.0, 0.069444])


def test_bollinger_bands_use_the_population_standard_deviation():
    upper, middle, lower = bollinger([1, 2, 3, 4, 6], 3, 2.0)
    same(middle, [nan, nan, 2, 3, 4.333333])
    same(upper, [nan, nan, 3.632993, 4.632993, 6.827772])
    same(lower, [nan, nan, 0.367007, 1.367007, 1.838895])


def test_atr_is_wilders_smoothing_of_the_true_range():
    high, low, close = [10, 11, 12, 13, 12], [8, 9, 10, 10.5, 9], [9, 10.5, 11, 12.5, 9.5]
    same(true_range(high, low, close), [2, 2, 2, 2.5, 3.5])  # the last bar's range reaches back to 12.5
    same(atr(high, low, close, 3), [nan, nan, 2, 2.166667, 2.611111])


def test_rolling_highest_high_and_lowest_low():
    same(highest([1, 3, 2, 5, 4], 3), [nan, nan, 3, 5, 5])
    same(lowest([1, 3, 2, 5, 4], 3), [nan, nan, 1, 2, 2])


def test_simple_and_log_returns():
    same(returns([100, 110, 99]), [nan, 0.1, -0.1])
    same(returns([100, 110, 99], 2), [nan, nan, -0.01])
    same(log_returns([100, 110, 99]), [nan, math.log(1.1), math.log(0.9)])


def test_crossover_marks_crossings_not_touches():
    same(crossover([1, 2, 3, 2, 1], [1.5] * 5), [0, 1, 0, 0, -1])
    same(crossover([1, 1.5, 1], [1.5] * 3), [0, 0, 0])  # touching is not crossing
    same(crossover([1, 1.5, 2], [1.5] * 3), [0, 0, 1])  # passing through a tie is
    same(crossover([nan, 2, 3], [1.5] * 3), [0, 0, 0])
    rng = np.random.default_rng(3)
    a, b = np.round(rng.normal(size=300), 1), np.round(rng.normal(size=300), 1)  # many exact ties
    marks = crossover(a, b)
    assert [crossed_above(list(a[: i + 1]), list(b[: i + 1])) for i in range(300)] == list(marks > 0)
    assert [crossed_below(list(a[: i + 1]), list(b[: i + 1])) for i in range(300)] == list(marks < 0)


def test_a_cross_through_an_exact_tie_counts_on_the_first_bar_past_it():
    # fast above, then equal (settled averages tie exactly), then below: a cross down on bar 3, where
    # backtesting.py's float averages (an ulp apart at the tie) see it too; a touch and back is none.
    fast, slow = [3.0, 2.5, 2.0, 1.5, 1.0], [2.0] * 5
    same(crossover(fast, slow), [0, 0, 0, -1, 0])
    same(crossover([1.0, 2.0, 2.0, 3.0], [2.0] * 4), [0, 0, 0, 1])
    same(crossover([3.0, 2.0, 2.0, 3.0], [2.0] * 4), [0, 0, 0, 0])  # down to a tie and back up
    assert [crossed_below(fast[: i + 1], slow[: i + 1]) for i in range(5)] == [False, False, False, True, False]


def test_crossover_without_ties_after_the_warm_up_matches_the_bar_by_bar_helpers():
    rng = np.random.default_rng(11)
    a, b = rng.normal(size=300), rng.normal(size=300)  # no exact tie: the side before t is the side at t - 1
    a[:7] = nan  # a warm-up without values
    marks = crossover(a, b)
    assert [crossed_above(list(a[: i + 1]), list(b[: i + 1])) for i in range(300)] == list(marks > 0)
    assert [crossed_below(list(a[: i + 1]), list(b[: i + 1])) for i in range(300)] == list(marks < 0)
    assert marks[:8].tolist() == [0.0] * 8 and np.count_nonzero(marks) > 20


def _settled_by_logarithms(x: np.ndarray) -> np.ndarray:
    scale = indicators._scales_by_logs(x)
    out = np.multiply(x, scale)
    np.round(out, out=out)
    return out / scale


def test_averages_settle_to_12_digits_alike_by_decade_boundaries_and_by_logarithms():
    """The fast path (values within two adjacent decades) gives the scale the per-value logarithm gives,
    a few ulps either side of each power of ten included."""
    cases = []
    for power in range(-6, 16):
        near = [10.0**power]
        for _ in range(40):
            near += [np.nextafter(near[-2] if len(near) > 1 else near[0], 0.0), np.nextafter(near[-1], math.inf)]
        cases += [np.array(near), np.array([*near, 0.4 * 10.0**power, 9.9 * 10.0**power])]
    rng = np.random.default_rng(2)
    cases += [10 ** rng.uniform(-4, 9) * np.exp(rng.normal(0, 0.8, 500)) * rng.choice([-1, 1], 500) for _ in range(100)]
    cases += [np.array([0.0, 1.5, 2.5]), np.array([nan, 99.99, 100.01]), np.array([123.456789012345678])]
    fast = 0
    for x in cases:
        fast += indicators._decade_scales(x) is not None
        settled = indicators._settled(x)
        np.testing.assert_array_equal(settled, _settled_by_logarithms(x))
        assert np.array_equal(np.signbit(settled), np.signbit(_settled_by_logarithms(x)))
    assert fast >= 40  # both paths were exercised
    assert indicators._settled(np.array([99.999999999999, 118.0960000000001]))[1] == 118.096


def test_bar_by_bar_cross_helpers_agree_with_the_vectorised_one():
    a, b = [1.0, 2.0, 3.0, 2.0, 1.0], [1.5] * 5
    assert [crossed_above(a[: i + 1], b[: i + 1]) for i in range(5)] == [False, True, False, False, False]
    assert [crossed_below(a[: i + 1], b[: i + 1]) for i in range(5)] == [False, False, False, False, True]


def test_indicators_are_causal_values_do_not_change_when_later_bars_are_added():
    rng = np.random.default_rng(5)
    x = 100 + np.cumsum(rng.normal(size=200))
    for func in (lambda v: sma(v, 10), lambda v: ema(v, 10), lambda v: rsi(v, 14), lambda v: macd(v)[2],
                 lambda v: bollinger(v)[0]):
        np.testing.assert_array_equal(func(x[:120]), func(x)[:120])


def test_indicators_refuse_nonsense_periods():
    with pytest.raises(ValueError):
        sma([1, 2, 3], 0)
    with pytest.raises(ValueError):
        macd([1, 2, 3], fast=5, slow=3)
