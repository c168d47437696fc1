"""Split detection: an overnight jump over 40 % that matches a common split ratio warns, with its date."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np

from app.greta.data.splits import FACTORS, TOLERANCE, find_split_suspects, format_split_warning, split_warnings
from app.marvin.bars import BarFrame

DAY = 86_400 * 10**9
START = int(datetime(2020, 8, 26, tzinfo=UTC).timestamp()) * 10**9


def series(closes: list[float], opens: list[float] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Daily bars from 2020-08-26; each open is the previous close unless given."""
    close = np.array(closes, dtype=np.float64)
    open_ = np.array(opens if opens is not None else [closes[0], *closes[:-1]], dtype=np.float64)
    return START + DAY * np.arange(len(close), dtype=np.int64), open_, close


def test_a_4_to_1_unadjusted_series_warns_with_the_date_and_ratio():
    ts, open_, close = series([495, 497, 499, 500, 500, 125.6], [494, 495, 497, 499, 500, 125.10])
    (suspect,) = find_split_suspects(ts, open_, close)
    assert (suspect.ratio_text, suspect.factor) == ("4:1", 4.0)
    assert suspect.ts == datetime(2020, 8, 31, tzinfo=UTC)  # the bar after the jump
    assert format_split_warning("AAPL", [suspect]) == (
        "AAPL: a 4:1 split? close 500.00 → open 125.10 on 2020-08-31; the bars look unadjusted "
        "(fetch with --adjustment split, or adjust the CSV)")


def test_a_30_percent_crash_is_not_a_split():
    ts, open_, close = series([100, 100, 70, 70], [100, 100, 70, 70])
    assert find_split_suspects(ts, open_, close) == []


def test_a_50_percent_drop_matches_2_to_1_and_a_45_percent_drop_matches_nothing():
    ts, open_, close = series([100, 100, 50, 50], [100, 100, 50, 50])
    assert [s.ratio_text for s in find_split_suspects(ts, open_, close)] == ["2:1"]
    ts, open_, close = series([100, 100, 55, 55], [100, 100, 55, 55])
    assert find_split_suspects(ts, open_, close) == []


def test_a_1_to_10_reverse_split_is_detected():
    ts, open_, close = series([0.52, 0.50, 5.1, 5.0], [0.52, 0.52, 5.1, 5.1])
    (suspect,) = find_split_suspects(ts, open_, close)
    assert (suspect.ratio_text, suspect.factor) == ("1:10", 0.1)
    assert format_split_warning("PENY", [suspect]).startswith(
        "PENY: a 1:10 reverse split? close 0.5 → open 5.10 on 2020-08-28;")


def test_an_adjusted_series_is_clean():
    rng = np.random.default_rng(7)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 5_000)))
    open_ = np.concatenate([[close[0]], close[:-1]]) * np.exp(rng.normal(0, 0.01, 5_000))
    ts = START + DAY * np.arange(5_000, dtype=np.int64)
    assert find_split_suspects(ts, open_, close) == []
    assert split_warnings([BarFrame("AAPL", "1Day", ts, open_, np.maximum(open_, close) * 1.01,
                                    np.minimum(open_, close) * 0.99, close, np.ones(5_000))]) == []


def test_several_splits_are_listed_and_bad_prices_are_ignored():
    ts, open_, close = series([10, 10, 5, 5, 1, 1, 0, 0], [10, 10, 5, 5, 1, 1, 0, 5])
    found = find_split_suspects(ts, open_, close)
    assert [s.ratio_text for s in found] == ["2:1", "5:1"]  # the zero close is no 1:∞ reverse split
    listed = format_split_warning("X", found * 2)  # four suspects: the first three are named
    assert listed.count("split?") == 3 and ", and 1 more;" in listed


def test_ratio_windows_never_overlap():
    steps = np.diff(np.sort(np.log(FACTORS)))
    assert steps.min() > 2 * TOLERANCE


def test_a_million_bars_take_milliseconds():
    bars = 1_000_000
    rng = np.random.default_rng(1)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, bars)))
    open_ = np.concatenate([[close[0]], close[:-1]])
    open_[bars // 2] = close[bars // 2 - 1] / 4
    started = time.perf_counter()
    found = find_split_suspects(np.arange(bars, dtype=np.int64), open_, close)
    assert time.perf_counter() - started < 0.25  # about 10 ms; the bound leaves room for a busy machine
    assert [s.ratio_text for s in found] == ["4:1"]
    assert find_split_suspects(np.arange(1, dtype=np.int64), open_[:1], close[:1]) == []
