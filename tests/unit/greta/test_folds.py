"""Walk-forward fold arithmetic, each case small enough to check by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from app.greta.folds import FoldPlan, FoldSpec, plan_folds
from app.greta.periods import Period, add_period, parse_length


def bars(count: int) -> np.ndarray:
    """`count` daily bars from 2020-01-01, as Greta's int64 epoch-ns timeline."""
    first = np.datetime64("2020-01-01")
    return np.arange(first, first + count).astype("datetime64[ns]").astype(np.int64)


def days(first: str, last: str, *, missing: tuple[tuple[str, str], ...] = ()) -> np.ndarray:
    """Daily bars from first to last inclusive, without the inclusive (from, to) ranges in `missing`."""
    span = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    for lo, hi in missing:
        span = span[(span < np.datetime64(lo)) | (span > np.datetime64(hi))]
    return span.astype("datetime64[ns]").astype(np.int64)


def windows(plan: FoldPlan) -> list[tuple[int, int, int, int]]:
    return [(f.train_start, f.train_end, f.test_start, f.test_end) for f in plan.folds]


def oos_dates(plan: FoldPlan) -> list[tuple[date, date]]:
    return [(f.test_first.date(), f.test_last.date()) for f in plan.folds]


def ns(day: str, time: str = "00:00") -> int:
    return int(np.datetime64(f"{day}T{time}", "ns").astype(np.int64))


# --- bars -------------------------------------------------------------------------------------------

def test_rolling_in_bars_slides_train_and_test_by_the_step() -> None:
    plan = plan_folds(bars(12), FoldSpec.of("rolling", train=4, test=2, step=3))
    assert windows(plan) == [(0, 4, 4, 6), (3, 7, 7, 9), (6, 10, 10, 12)]
    assert [f.index for f in plan.folds] == [0, 1, 2]
    assert not any(f.partial for f in plan.folds) and plan.skipped == ()


def test_step_defaults_to_the_test_length_so_test_windows_are_back_to_back() -> None:
    plan = plan_folds(bars(10), FoldSpec.of("rolling", train=4, test=2))
    assert windows(plan) == [(0, 4, 4, 6), (2, 6, 6, 8), (4, 8, 8, 10)]


def test_anchored_in_bars_grows_train_from_the_first_bar_and_shares_rolling_test_windows() -> None:
    anchored = plan_folds(bars(10), FoldSpec.of("anchored", train=4, test=2))
    assert windows(anchored) == [(0, 4, 4, 6), (0, 6, 6, 8), (0, 8, 8, 10)]
    rolling = plan_folds(bars(10), FoldSpec.of("rolling", train=4, test=2))
    assert [w[2:] for w in windows(anchored)] == [w[2:] for w in windows(rolling)]


def test_gap_leaves_bars_between_train_and_test_unused() -> None:
    plan = plan_folds(bars(11), FoldSpec.of("rolling", train=4, test=2, gap=1))
    assert windows(plan) == [(0, 4, 5, 7), (2, 6, 7, 9), (4, 8, 9, 11)]


def test_fold_times_are_the_first_and_last_bar_of_each_window() -> None:
    fold = plan_folds(bars(10), FoldSpec.of("rolling", train=4, test=2)).folds[1]
    assert (fold.train_first, fold.train_last) == (datetime(2020, 1, 3, tzinfo=UTC), datetime(2020, 1, 6, tzinfo=UTC))
    assert (fold.test_first, fold.test_last) == (datetime(2020, 1, 7, tzinfo=UTC), datetime(2020, 1, 8, tzinfo=UTC))


def test_last_partial_fold_is_kept_and_flagged() -> None:
    plan = plan_folds(bars(11), FoldSpec.of("rolling", train=4, test=3))
    assert windows(plan) == [(0, 4, 4, 7), (3, 7, 7, 10), (6, 10, 10, 11)]
    assert [f.partial for f in plan.folds] == [False, False, True]


def test_last_partial_fold_shorter_than_the_minimum_is_skipped_with_the_reason() -> None:
    plan = plan_folds(bars(11), FoldSpec.of("rolling", train=4, test=3, min_test_bars=2))
    assert windows(plan) == [(0, 4, 4, 7), (3, 7, 7, 10)]
    assert [(s.index, s.reason) for s in plan.skipped] == [
        (2, "fold 2: the last fold's test window runs past the data and holds 1 bar, fewer than the minimum 2 "
            "(bars 10–13)")]


def test_warmup_starts_that_many_bars_before_each_test_window_clamped_at_the_first_bar() -> None:
    plan = plan_folds(bars(8), FoldSpec.of("rolling", train=2, test=2, warmup=3))
    assert [(f.warmup_start, f.test_start) for f in plan.folds] == [(0, 2), (1, 4), (3, 6)]


def test_datetimes_and_epoch_ns_give_the_same_folds() -> None:
    stamps = [datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=i) for i in range(10)]
    spec = FoldSpec.of("rolling", train=4, test=2)
    assert plan_folds(stamps, spec) == plan_folds(bars(10), spec)
    assert plan_folds(bars(10).astype("datetime64[ns]"), spec) == plan_folds(bars(10), spec)


# --- calendar periods -------------------------------------------------------------------------------

def test_add_period_clamps_to_the_month_end_and_keeps_the_time_of_day() -> None:
    assert add_period(ns("2020-01-31", "14:30"), Period(months=1)) == ns("2020-02-29", "14:30")
    assert add_period(ns("2021-01-31"), Period(months=1)) == ns("2021-02-28")
    assert add_period(ns("2020-01-15"), Period(months=1)) == ns("2020-02-15")
    assert add_period(ns("2020-02-29"), parse_length("1Y", "train")) == ns("2021-02-28")  # type: ignore[arg-type]
    assert add_period(ns("2020-11-30"), Period(months=3)) == ns("2021-02-28")
    assert add_period(ns("2020-12-25"), parse_length("2W", "train")) == ns("2021-01-08")  # type: ignore[arg-type]
    assert add_period(ns("2020-02-01"), parse_length("30D", "test")) == ns("2020-03-02")  # type: ignore[arg-type]


def test_calendar_months_over_daily_bars() -> None:
    plan = plan_folds(days("2020-01-01", "2020-12-31"), FoldSpec.of("rolling", train="3M", test="1M"))
    assert windows(plan)[:2] == [(0, 91, 91, 121), (31, 121, 121, 152)]  # Apr 1 is day 91, May 1 day 121
    assert len(plan.folds) == 9  # tests April … December
    last = plan.folds[-1]
    assert (last.test_start, last.test_end, last.partial) == (335, 366, False)  # Dec 1 to the last bar, complete
    assert (last.test_first.date(), last.test_last.date()) == (date(2020, 12, 1), date(2020, 12, 31))


def test_calendar_months_from_jan_31_clamp_without_drifting_later_folds() -> None:
    plan = plan_folds(days("2020-01-31", "2020-06-30"), FoldSpec.of("rolling", train="1M", test="1M"))
    # Jan 31 + 1M = Feb 29, but + 2M = Mar 31: each boundary counts from Jan 31, never from Feb 29.
    assert oos_dates(plan) == [
        (date(2020, 2, 29), date(2020, 3, 30)), (date(2020, 3, 31), date(2020, 4, 29)),
        (date(2020, 4, 30), date(2020, 5, 30)), (date(2020, 5, 31), date(2020, 6, 29)),
        (date(2020, 6, 30), date(2020, 6, 30))]
    assert [f.partial for f in plan.folds] == [False, False, False, False, True]  # Jun 30 to Jul 31: 1 bar
    assert (plan.folds[0].train_first.date(), plan.folds[0].train_last.date()) == (date(2020, 1, 31), date(2020, 2, 28))


def test_a_missing_week_shortens_its_fold_and_shifts_no_later_fold() -> None:
    spec = FoldSpec.of("rolling", train="2M", test="1M")
    full = plan_folds(days("2020-01-01", "2020-06-30"), spec)
    gappy = plan_folds(days("2020-01-01", "2020-06-30", missing=(("2020-03-10", "2020-03-16"),)), spec)
    assert oos_dates(gappy) == oos_dates(full) == [
        (date(2020, 3, 1), date(2020, 3, 31)), (date(2020, 4, 1), date(2020, 4, 30)),
        (date(2020, 5, 1), date(2020, 5, 31)), (date(2020, 6, 1), date(2020, 6, 30))]
    assert [f.test_end - f.test_start for f in gappy.folds] == [24, 30, 31, 30]  # March lost 7 bars
    assert [f.train_end - f.train_start for f in gappy.folds] == [60, 53, 54, 61]  # so did the trains holding it


def test_a_complete_test_window_that_holes_left_below_the_minimum_is_skipped_with_the_reason() -> None:
    plan = plan_folds(days("2020-01-01", "2020-06-30", missing=(("2020-03-10", "2020-03-16"),)),
                      FoldSpec.of("rolling", train="2M", test="1M", min_test_bars=25))
    assert [f.index for f in plan.folds] == [1, 2, 3]
    assert [(s.index, s.reason) for s in plan.skipped] == [
        (0, "fold 0: the test window holds 24 bars, fewer than the minimum 25 (2020-03-01 to 2020-04-01)")]


def test_a_holiday_on_a_fold_boundary_starts_that_test_window_on_the_next_bar() -> None:
    plan = plan_folds(days("2020-01-01", "2020-06-30", missing=(("2020-04-01", "2020-04-01"),)),
                      FoldSpec.of("rolling", train="2M", test="1M"))
    assert oos_dates(plan)[:3] == [(date(2020, 3, 1), date(2020, 3, 31)), (date(2020, 4, 2), date(2020, 4, 30)),
                                    (date(2020, 5, 1), date(2020, 5, 31))]


def test_calendar_periods_count_from_the_window_start_not_a_holiday_shifted_first_bar() -> None:
    stamps = days("2020-01-02", "2020-06-30")  # Jan 1 is a holiday
    spec = FoldSpec.of("rolling", train="3M", test="1M")
    assert oos_dates(plan_folds(stamps, spec))[0] == (date(2020, 4, 2), date(2020, 5, 1))
    plan = plan_folds(stamps, spec, window_start=datetime(2020, 1, 1, tzinfo=UTC))
    assert oos_dates(plan) == [(date(2020, 4, 1), date(2020, 4, 30)), (date(2020, 5, 1), date(2020, 5, 31)),
                               (date(2020, 6, 1), date(2020, 6, 30))]
    assert (plan.folds[0].train_start, plan.folds[0].train_first.date()) == (0, date(2020, 1, 2))


def test_calendar_gap_between_train_and_test() -> None:
    plan = plan_folds(days("2020-01-01", "2020-04-30"), FoldSpec.of("rolling", train="1M", test="1M", gap="5D"))
    first = plan.folds[0]
    assert (first.train_last.date(), first.test_first.date(), first.test_last.date()) == (
        date(2020, 1, 31), date(2020, 2, 6), date(2020, 3, 5))
    assert first.test_start - first.train_end == 5


def test_anchored_calendar_folds_all_train_from_the_first_bar() -> None:
    plan = plan_folds(days("2020-01-01", "2020-06-30"), FoldSpec.of("anchored", train="3M", test="1M"))
    assert [(f.train_start, f.train_last.date(), f.test_first.date()) for f in plan.folds] == [
        (0, date(2020, 3, 31), date(2020, 4, 1)), (0, date(2020, 4, 30), date(2020, 5, 1)),
        (0, date(2020, 5, 31), date(2020, 6, 1))]


def test_folds_with_an_empty_window_are_skipped_with_the_reason() -> None:
    plan = plan_folds(days("2020-01-01", "2020-06-30", missing=(("2020-03-01", "2020-03-31"),)),
                      FoldSpec.of("rolling", train="1M", test="1M"))
    assert [f.index for f in plan.folds] == [0, 3, 4]
    assert oos_dates(plan) == [(date(2020, 2, 1), date(2020, 2, 29)), (date(2020, 5, 1), date(2020, 5, 31)),
                                (date(2020, 6, 1), date(2020, 6, 30))]
    assert [(s.index, s.reason) for s in plan.skipped] == [
        (1, "fold 1: no bars in the test window (2020-03-01 to 2020-04-01)"),
        (2, "fold 2: no bars in the train window (2020-03-01 to 2020-04-01)")]


def test_window_end_past_the_last_bar_counts_the_missing_tail_as_missing_bars() -> None:
    stamps = days("2020-01-01", "2020-03-31")
    spec = FoldSpec.of("rolling", train="1M", test="1M")
    assert plan_folds(stamps, spec, window_end=datetime(2020, 4, 1, tzinfo=UTC)) == plan_folds(stamps, spec)
    late = plan_folds(stamps, spec, window_end=datetime(2020, 4, 15, tzinfo=UTC))
    assert oos_dates(late) == oos_dates(plan_folds(stamps, spec))
    assert [(s.index, s.reason) for s in late.skipped] == [
        (2, "fold 2: no bars in the test window (2020-04-01 to 2020-05-01)")]


def test_minute_bars_with_calendar_days() -> None:
    stamps = np.array([ns("2020-01-01", "09:30") + i * 60 * 10**9 for i in range(4 * 24 * 60)], dtype=np.int64)
    plan = plan_folds(stamps, FoldSpec.of("rolling", train="2D", test="1D"))
    assert windows(plan) == [(0, 2880, 2880, 4320), (1440, 4320, 4320, 5760)]
    assert plan.folds[1].test_last == datetime(2020, 1, 5, 9, 29, tzinfo=UTC)


# --- refusals ---------------------------------------------------------------------------------------

HINT = "give a number of bars (e.g. 250) or a calendar period (e.g. 30D, 2W, 3M, 1Y)"


@pytest.mark.parametrize(("given", "message"), [
    ({"kind": "expanding"}, "kind must be 'rolling' or 'anchored': got 'expanding'"),
    ({"train": 0}, "train must be positive: got 0 bars"),
    ({"train": -5}, "train must be positive: got -5 bars"),
    ({"test": "0M", "train": "3M"}, "test must be positive: got '0M'"),
    ({"step": 0}, "step must be positive: got 0 bars"),
    ({"train": "12X"}, f"train: '12X' is not a length: {HINT}"),
    ({"test": "1.5M"}, f"test: '1.5M' is not a length: {HINT}"),
    ({"step": ""}, f"step: '' is not a length: {HINT}"),
    ({"train": 2.5}, f"train: 2.5 is not a length: {HINT}"),
    ({"train": True}, f"train: True is not a length: {HINT}"),
    ({"gap": -1}, "gap must be 0 or more: got -1 bars"),
    ({"warmup": -1}, "warmup must be a whole number of bars, at least 0: got -1"),
    ({"warmup": "5D"}, "warmup must be a whole number of bars, at least 0: got '5D'"),
    ({"min_test_bars": 0}, "min_test_bars must be a whole number of bars, at least 1: got 0"),
    ({"step": 1}, "step (1 bar) is shorter than the test window (2 bars): test windows would overlap; "
                  "give a step at least as long as the test window"),
    ({"train": "12M", "test": "3M", "step": "2M"},
     "step (2M) is shorter than the test window (3M): test windows would overlap; "
     "give a step at least as long as the test window"),
    ({"train": "12M"}, "train is a calendar period but test is in bars: "
                       "give train, test and step all in bars or all as calendar periods"),
    ({"train": 250, "test": "3M"}, "test is a calendar period but train is in bars: "  # no step given: not blamed
                                   "give train, test and step all in bars or all as calendar periods"),
    ({"train": "12M", "step": 4}, "train is a calendar period but test and step are in bars: "
                                  "give train, test and step all in bars or all as calendar periods"),
    ({"train": "12M", "test": "3M", "step": 60}, "train and test are calendar periods but step is in bars: "
                                                 "give train, test and step all in bars or all as calendar periods"),
    ({"train": "12M", "test": "3M", "gap": 5},
     "gap is 5 bars but the folds are calendar periods: give the gap as a period too (e.g. 5D)"),
    ({"gap": "1W"}, "gap is a calendar period (1W) but the folds are in bars: give it in bars"),
])
def test_a_bad_spec_is_refused_saying_what_is_wrong(given: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"kind": "rolling", "train": 4, "test": 2} | given
    with pytest.raises(ValueError) as refused:
        FoldSpec.of(**args)  # type: ignore[arg-type]
    assert str(refused.value) == message


def test_bar_counts_as_digit_strings_and_calendar_gap_zero_are_accepted() -> None:
    spec = FoldSpec.of("rolling", train="4", test=" 2 ", gap="0D")
    assert (spec.train, spec.test, spec.step, spec.gap) == (4, 2, 2, 0)
    calendar = FoldSpec.of("rolling", train="1y", test="3m", gap=0)
    assert calendar.train == Period(12, 0, "1Y") and calendar.gap == Period(0, 0, "0D")


def test_a_step_of_12_months_equals_a_1_year_test_window() -> None:
    spec = FoldSpec.of("rolling", train="2Y", test="1Y", step="12M")
    assert spec.step == spec.test == Period(months=12)
    plan = plan_folds(days("2020-01-01", "2023-12-31"), spec)
    assert oos_dates(plan) == [(date(2022, 1, 1), date(2022, 12, 31)), (date(2023, 1, 1), date(2023, 12, 31))]


def test_no_complete_fold_in_bars_says_how_long_train_could_be() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(bars(10), FoldSpec.of("rolling", train=8, test=3, gap=1))  # fold 0 would test bars 9–12: partial
    assert str(refused.value) == ("no complete fold fits in 10 bars: one fold needs train 8 + gap 1 + test 3 = "
                                  "12 bars; with test 3 and gap 1, train can be at most 6 bars")


def test_no_complete_fold_when_the_window_is_shorter_than_the_test_window() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(bars(2), FoldSpec.of("anchored", train=1, test=3))
    assert str(refused.value) == ("no complete fold fits in 2 bars: one fold needs train 1 + gap 0 + test 3 = 4 bars; "
                                  "the window is shorter than gap 0 + test 3")


def test_no_complete_calendar_fold_says_until_when_the_data_would_have_to_run() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-06-30"), FoldSpec.of("rolling", train="12M", test="3M"))
    assert str(refused.value) == ("no complete fold fits: the bars run from 2020-01-01 to 2020-06-30, and the first "
                                  "fold (train 12M, gap 0D, test 3M) needs data until 2021-04-01; shorten train or "
                                  "test, or widen the window")


def test_no_complete_calendar_fold_counts_from_the_window_start() -> None:
    with pytest.raises(ValueError, match="needs data until 2020-12-31;"):
        plan_folds(days("2020-01-02", "2020-06-30"), FoldSpec.of("rolling", train="9M", test="3M"),
                   window_start=datetime(2019, 12, 31, tzinfo=UTC))


def test_no_complete_calendar_fold_with_bars_lists_the_skipped_folds() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-03-31", missing=(("2020-02-01", "2020-02-29"),)),
                   FoldSpec.of("rolling", train="1M", test="1M"))
    assert str(refused.value) == (
        "no complete fold fits: the bars run from 2020-01-01 to 2020-03-31, and the first fold (train 1M, gap 0D, "
        "test 1M) needs data until 2020-03-01; fold 0: no bars in the test window (2020-02-01 to 2020-03-01); "
        "fold 1: no bars in the train window (2020-02-01 to 2020-03-01); shorten train or test, or widen the window")


def test_no_complete_fold_names_the_first_three_skipped_folds_and_counts_the_rest() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-03-31", missing=(("2020-01-03", "2020-03-30"),)),
                   FoldSpec.of("rolling", train="1W", test="1W"))  # 12 folds test Jan 8 … Mar 25; the window ends Apr 1
    assert str(refused.value).endswith(
        "fold 2: no bars in the train window (2020-01-15 to 2020-01-22); and 9 more skipped; shorten train or test, "
        "or widen the window")


def test_a_month_step_shorter_than_a_30_day_test_in_february_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-06-30"), FoldSpec.of("rolling", train="1M", test="30D", step="1M"))
    assert str(refused.value) == (
        "step (1M) is shorter than the test window (30D) at fold 1: its test window starts 2020-03-01, before fold "
        "0's ends 2020-03-02; test windows must not overlap (give both in months, or a longer step)")


@pytest.mark.parametrize(("stamps", "message"), [
    (np.array([], dtype=np.int64), "the window holds no bars: nothing to fold"),
    (np.array([3, 2, 4], dtype=np.int64), "bar times must be strictly increasing"),
    (np.array([1, 1, 2], dtype=np.int64), "bar times must be strictly increasing"),
    ([datetime(2020, 1, 1)], "bar times must be timezone-aware datetimes (UTC) or epoch ns: "
                             "got datetime.datetime(2020, 1, 1, 0, 0)"),
])
def test_bad_bar_times_are_refused(stamps: object, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(stamps, FoldSpec.of("rolling", train=1, test=1))  # type: ignore[arg-type]
    assert str(refused.value) == message


def test_window_end_before_the_last_bar_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-03-31"), FoldSpec.of("rolling", train="1M", test="1M"),
                   window_end=datetime(2020, 3, 31, tzinfo=UTC))
    assert str(refused.value) == "window_end (2020-03-31T00:00:00+00:00) must be after the last bar (2020-03-31)"


def test_window_start_after_the_first_bar_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        plan_folds(days("2020-01-01", "2020-03-31"), FoldSpec.of("rolling", train="1M", test="1M"),
                   window_start=datetime(2020, 1, 2, tzinfo=UTC))
    assert str(refused.value) == "window_start (2020-01-02T00:00:00+00:00) must not be after the first bar (2020-01-01)"
