"""Monthly returns, rolling Sharpe and the trade-return histogram, pinned against pandas and numpy."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from app.greta.analysis import (
    bin_width,
    local_days,
    monthly_returns,
    period_closes,
    rolling_sharpe,
    trade_spread,
)


def _ns(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) * 10**9


def _pandas_monthly(series: pd.Series, start: float) -> pd.Series:
    """pandas' month-end compounding: the last close of each month over the previous one, the first
    over the starting equity."""
    ends = series.resample("ME").last().dropna()
    chained = pd.concat([pd.Series([start], index=[ends.index[0] - pd.offsets.MonthEnd(1)]), ends])
    return (chained.pct_change() * 100).iloc[1:]


def test_monthly_returns_equal_pandas_month_end_compounding_across_a_year_boundary() -> None:
    rng = np.random.default_rng(7)
    index = pd.bdate_range("2022-10-03", "2023-03-15", tz="UTC").as_unit("ns")
    equity = 100_000 * np.cumprod(1 + rng.normal(0.0005, 0.01, len(index)))
    days = local_days(index.asi8, "UTC")
    years = monthly_returns(*period_closes(days, equity), 100_000.0)

    expected = _pandas_monthly(pd.Series(equity, index=index), 100_000.0)
    assert [y.year for y in years] == [2022, 2023]
    got = {(y.year, m + 1): v for y in years for m, v in enumerate(y.months) if v is not None}
    assert list(got) == [(t.year, t.month) for t in expected.index]
    for (year, month), value in got.items():
        assert value == pytest.approx(expected[f"{year}-{month:02d}"].iloc[0], rel=1e-12)
    # months outside the run are empty; October's return is from the starting equity
    assert years[0].months[:9] == (None,) * 9 and years[1].months[3:] == (None,) * 9
    assert years[0].months[9] == pytest.approx((equity[index.month == 10][-1] / 100_000 - 1) * 100, rel=1e-12)
    # the year totals are pandas' year-end compounding, and the months compounded
    by_year = pd.Series(equity, index=index).resample("YE").last()
    assert years[0].total == pytest.approx((by_year.iloc[0] / 100_000 - 1) * 100, rel=1e-12)
    assert years[1].total == pytest.approx((by_year.iloc[1] / by_year.iloc[0] - 1) * 100, rel=1e-12)
    compounded = math.prod(1 + v / 100 for v in years[1].months if v is not None)
    assert years[1].total == pytest.approx((compounded - 1) * 100, rel=1e-9)


def test_small_series_by_hand() -> None:
    ts = np.array([_ns("2024-01-15"), _ns("2024-01-31"), _ns("2024-02-10"), _ns("2024-04-30")])
    equity = np.array([101.0, 110.0, 99.0, 108.9])
    (y,) = monthly_returns(*period_closes(local_days(ts, "UTC"), equity), 100.0)
    assert y.year == 2024
    assert y.months[0] == pytest.approx(10.0)  # 100 → 110
    assert y.months[1] == pytest.approx(-10.0)  # 110 → 99
    assert y.months[2] is None  # no close in March: April compounds from February's end
    assert y.months[3] == pytest.approx(10.0)  # 99 → 108.9
    assert y.total == pytest.approx(8.9)


def test_intraday_bars_close_each_day_in_new_york_time() -> None:
    # 2024-03-08 20:30 UTC is 15:30 in New York (EST); 2024-03-11 19:30 UTC is 15:30 (EDT, after the switch);
    # 2024-03-12 01:00 UTC is still the 11th in New York
    ts = np.array([_ns("2024-03-08T14:30:00"), _ns("2024-03-08T20:30:00"), _ns("2024-03-11T19:30:00"),
                   _ns("2024-03-12T01:00:00")])
    days = local_days(ts, "America/New_York")
    dates = [str(d) for d in days.astype("datetime64[D]")]
    assert dates == ["2024-03-08", "2024-03-08", "2024-03-11", "2024-03-11"]
    assert [str(d) for d in local_days(ts, "UTC").astype("datetime64[D]")][-1] == "2024-03-12"
    closing_days, closes = period_closes(days, np.array([1.0, 2.0, 3.0, 4.0]))
    assert closes.tolist() == [2.0, 4.0] and len(closing_days) == 2
    # every instant of a year agrees with pandas' conversion
    many = pd.date_range("2024-01-01", "2025-01-01", freq="37min", tz="UTC").as_unit("ns")
    expected = many.tz_convert("America/New_York").tz_localize(None).normalize().asi8 // 86_400_000_000_000
    assert (local_days(many.asi8, "America/New_York") == expected).all()


def test_rolling_sharpe_equals_pandas_rolling_mean_over_std() -> None:
    rng = np.random.default_rng(3)
    closes = 100 * np.cumprod(1 + rng.normal(0.001, 0.02, 200))
    days = np.arange(200)
    rolled = rolling_sharpe(days, closes, 63, 252.0)
    r = pd.Series(closes).pct_change()
    expected = (r.rolling(63).mean() / r.rolling(63).std() * math.sqrt(252)).dropna()
    assert len(rolled.values) == len(expected) == 200 - 63
    assert rolled.days.tolist() == list(range(63, 200))
    assert rolled.values == pytest.approx(expected.tolist(), rel=1e-9)


def test_rolling_sharpe_needs_a_full_window_and_a_moving_curve() -> None:
    assert rolling_sharpe(np.arange(63), np.linspace(100, 110, 63), 63, 252.0).values == []  # 62 returns
    flat = rolling_sharpe(np.arange(70), np.full(70, 100.0), 63, 252.0)
    assert flat.values == [None] * 7


def test_trade_histogram_bins_equal_numpy_on_round_edges_with_zero_an_edge() -> None:
    returns = [Decimal(x) for x in ("-7.3", "-2.5", "-0.000001", "0", "0.4", "2.5", "2.500001", "4.99", "12.1",
                                    "5", "1.2", "-1.1")]
    spread = trade_spread(returns)
    assert spread.width_pct == Decimal(5)  # a span of 19.4 in about ceil(√12) → 5 bins: 3.88 → 5
    assert [(b.low, b.high, b.count) for b in spread.bins] == [
        (Decimal(-10), Decimal(-5), 1), (Decimal(-5), Decimal(0), 3), (Decimal(0), Decimal(5), 6),
        (Decimal(5), Decimal(10), 1), (Decimal(10), Decimal(15), 1)]  # -0.000001 is a loss, 0 and 5 start theirs
    edges = [float(b.low) for b in spread.bins] + [float(spread.bins[-1].high)]
    counts, _ = np.histogram([float(r) for r in returns], bins=edges)
    assert [b.count for b in spread.bins] == counts.tolist()
    assert spread.count == 12 and spread.wins == 7 and spread.losses == 4 and spread.flat == 1
    values = np.array([float(r) for r in returns])
    assert spread.mean_pct == pytest.approx(values.mean()) and spread.median_pct == pytest.approx(np.median(values))


def test_trade_histogram_edges_and_empty() -> None:
    assert trade_spread([]).bins == [] and trade_spread([]).mean_pct is None
    one = trade_spread([Decimal("3.2")])
    assert [(b.low, b.high, b.count) for b in one.bins] == [(Decimal(3), Decimal(4), 1)]
    assert bin_width(Decimal("19.4"), 5) == Decimal(5) and bin_width(Decimal("0.9"), 5) == Decimal("0.2")
    assert bin_width(Decimal("1"), 4) == Decimal("0.25") and bin_width(Decimal("100"), 10) == Decimal(10)
