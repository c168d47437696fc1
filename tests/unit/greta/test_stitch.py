"""Stitching out-of-sample folds: each fold's growth compounds on the last, trade P&L scales with it,
and efficiency is a ratio of annualised returns, undefined when the in-sample one is not positive."""

from __future__ import annotations

import numpy as np
import pytest

from app.greta.stitch import FoldCurve, annualised_pct, efficiency, stitch


def fold(start_ns: int, equity: list[float], pnl: list[float], pct: list[float], exposure: float) -> FoldCurve:
    ts = np.arange(start_ns, start_ns + len(equity), dtype=np.int64)
    return FoldCurve(ts, np.array(equity), np.array(equity) * 0 + 100.0, 100.0, np.array(pnl), np.array(pct),
                     exposure)


def test_folds_compound_from_the_starting_cash_and_their_trades_scale_with_them():
    first = fold(0, [100.0, 105.0, 110.0], [10.0], [10.0], 50.0)
    second = fold(10, [100.0, 90.0, 95.0], [-5.0], [-5.0], 100.0)
    out = stitch([first, second], 1000.0, 252.0)
    assert out.equity.tolist() == pytest.approx([1000, 1050, 1100, 1100, 990, 1045])
    assert out.fold.tolist() == [0, 0, 0, 1, 1, 1]
    assert out.metrics["final_equity"] == pytest.approx(1045.0)
    assert out.metrics["total_return_pct"] == pytest.approx(4.5)
    assert out.metrics["trades"] == 2
    assert out.metrics["expectancy"] == pytest.approx((100.0 - 55.0) / 2)  # P&L in the stitched account's dollars
    assert out.metrics["exposure_pct"] == pytest.approx(75.0)  # each fold's, weighted by its bars
    assert out.benchmark.tolist() == [1000.0] * 6


def test_no_fold_is_an_error():
    with pytest.raises(ValueError, match="no out-of-sample fold"):
        stitch([], 1000.0, 252.0)


def test_annualised_return_compounds_as_cagr_does():
    assert annualised_pct(10.0, 253, 252) == pytest.approx(10.0)  # 252 periods: exactly one year
    assert annualised_pct(21.0, 505, 252) == pytest.approx(10.0)
    assert annualised_pct(-100.0, 40, 252) == -100.0
    assert annualised_pct(5.0, 1, 252) is None and annualised_pct(None, 40, 252) is None
    assert annualised_pct(2.0, 21, 252) is None  # a fortnight is not a year: withheld as CAGR is
    assert annualised_pct(2.0, 31, 252) is not None


def test_efficiency_is_the_ratio_and_says_why_it_is_missing():
    assert efficiency(5.0, 20.0) == (0.25, None)
    assert efficiency(-5.0, 20.0) == (-0.25, None)
    ratio, reason = efficiency(5.0, -3.0)
    assert ratio is None and "not positive" in reason
    assert efficiency(None, 3.0) == (None, "the out-of-sample window is too short to annualise (fewer than 30 "
                                         "returns or a month)")
    assert "in-sample window is too short" in efficiency(3.0, None)[1]


def test_efficiency_is_withheld_when_the_in_sample_return_is_near_zero():
    """A trial read a fold's efficiency as -1,142.35 (-22.8 % a year over +0.02 % gives about that)."""
    for in_sample in (0.02, -0.5, 0.999):
        ratio, reason = efficiency(-22.8, in_sample)
        assert ratio is None
        assert reason == "the in-sample annualised return is too close to zero to compare (under 1 % a year)"
    assert efficiency(-22.8, 1.0) == (-22.8, None)
    assert "not positive" in efficiency(5.0, -1.0)[1]


def test_fees_scale_as_the_folds_pnl_does_and_a_part_of_a_run_has_its_exposure_from_its_curve():
    first = FoldCurve(np.arange(0, 4, dtype=np.int64), np.array([100.0, 110.0, 120.0, 120.0]),
                      np.full(4, 100.0), 100.0, np.array([20.0]), np.array([20.0]), None, fees=1.5,
                      exposed=np.array([False, True, True, False]))  # a contrast run's window: no exposure figure
    second = FoldCurve(np.arange(10, 14, dtype=np.int64), np.array([100.0, 100.0, 90.0, 90.0]),
                       np.full(4, 100.0), 100.0, np.array([-10.0]), np.array([-10.0]), 25.0, fees=2.0)
    out = stitch([first, second], 1000.0, 252.0)
    assert out.metrics["fees_total"] == pytest.approx(15.0 + 2.0 * 12.0)  # the second fold runs from 1200
    assert out.metrics["exposure_pct"] == pytest.approx((50.0 * 4 + 25.0 * 4) / 8)
    unknown = FoldCurve(second.ts + 10, second.equity, second.benchmark, 100.0, second.trade_pnl, second.trade_pct,
                        None)
    assert stitch([first, unknown], 1000.0, 252.0).metrics["fees_total"] is None  # not a sum of what is known


def test_the_stitched_fees_are_to_the_cent():
    """Trial 32 read fees_total 27910.59832087213 in the API: scaled fees are dollars, shown to the cent."""
    first = FoldCurve(np.arange(0, 4, dtype=np.int64), np.array([100.0, 103.3333, 103.3333, 103.3333]),
                      np.full(4, 100.0), 100.0, np.array([3.3333]), np.array([3.3333]), 50.0, fees=0.33)
    second = FoldCurve(np.arange(10, 14, dtype=np.int64), np.array([100.0, 101.0, 101.0, 101.0]),
                       np.full(4, 100.0), 100.0, np.array([1.0]), np.array([1.0]), 50.0, fees=0.77)
    fees = stitch([first, second], 1000.0, 252.0).metrics["fees_total"]
    assert fees == 11.26  # 3.30 + 0.77 × 10.33333 = 11.2567 (the chained account's dollars), to the cent
