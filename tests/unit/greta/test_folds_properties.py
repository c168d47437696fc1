"""Fold invariants for random lengths and random holes in the data (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.greta.folds import FoldPlan, FoldSpec, plan_folds

DAY = timedelta(days=1)
FIRST = np.datetime64("2020-01-01")


def daily(count: int, first: int = 0) -> np.ndarray:
    """`count` daily bars from `first` days after 2020-01-01."""
    return np.arange(FIRST + first, FIRST + first + count).astype("datetime64[ns]").astype(np.int64)


def assert_test_windows_disjoint_and_in_order(plan: FoldPlan) -> None:
    for before, after in zip(plan.folds, plan.folds[1:], strict=False):
        assert before.index < after.index
        assert before.test_end <= after.test_start
        assert before.test_last < after.test_first


@settings(max_examples=300, deadline=None)
@given(n=st.integers(1, 200), train=st.integers(1, 40), test=st.integers(1, 25), extra_step=st.integers(0, 15),
       gap=st.integers(0, 8), warmup=st.integers(0, 30), kind=st.sampled_from(["rolling", "anchored"]))
def test_bar_folds_stay_in_bounds_never_overlap_and_keep_the_gap_exactly(
        n: int, train: int, test: int, extra_step: int, gap: int, warmup: int, kind: str) -> None:
    ts = daily(n)
    spec = FoldSpec.of(kind, train=train, test=test, step=test + extra_step, gap=gap, warmup=warmup)
    if train + gap + test > n:
        with pytest.raises(ValueError, match="^no complete fold fits in"):
            plan_folds(ts, spec)
        return
    plan = plan_folds(ts, spec)
    assert [f.index for f in plan.folds] == list(range(len(plan.folds))) and plan.skipped == ()
    for f in plan.folds:
        assert 0 <= f.train_start < f.train_end <= f.test_start < f.test_end <= n
        assert f.test_start - f.train_end == gap
        assert f.warmup_start == max(0, f.test_start - warmup)
        assert f.train_end - f.train_start == (train if kind == "rolling" else f.train_end)
        assert f.train_start == (f.index * (test + extra_step) if kind == "rolling" else 0)
        assert f.test_end - f.test_start == (n - f.test_start if f.partial else test)
        assert (f.train_first, f.test_last) == (datetime(2020, 1, 1, tzinfo=UTC) + f.train_start * DAY,
                                                datetime(2020, 1, 1, tzinfo=UTC) + (f.test_end - 1) * DAY)
    assert [f.partial for f in plan.folds[:-1]] == [False] * (len(plan.folds) - 1)
    assert plan.folds[-1].partial == (plan.folds[-1].test_start + test > n)
    assert plan.folds[-1].test_start + test + extra_step >= n  # no further fold would have a test bar
    assert_test_windows_disjoint_and_in_order(plan)


@settings(max_examples=150, deadline=None)
@given(first=st.integers(0, 800), span=st.integers(20, 500), holes=st.lists(st.integers(1, 499), max_size=120),
       train=st.integers(1, 6), test=st.integers(1, 3), extra_step=st.integers(0, 2), gap_days=st.integers(0, 10),
       warmup=st.integers(0, 40), kind=st.sampled_from(["rolling", "anchored"]))
def test_calendar_folds_with_holes_shorten_never_shift_and_never_overlap(
        first: int, span: int, holes: list[int], train: int, test: int, extra_step: int, gap_days: int, warmup: int,
        kind: str) -> None:
    full = daily(span, first)  # any day of the month, so month ends clamp (Jan 31 + 1M)
    keep = np.ones(span, dtype=bool)
    keep[[h for h in holes if h < span]] = False  # never the first bar: the origin is the same in both
    gappy = full[keep]
    spec = FoldSpec.of(kind, train=f"{train}M", test=f"{test}M", step=f"{test + extra_step}M", gap=f"{gap_days}D",
                       warmup=warmup)
    end = datetime(2020, 1, 1, tzinfo=UTC) + (first + span) * DAY
    try:
        reference = plan_folds(full, spec)
    except ValueError as refused:
        assert str(refused).startswith("no complete fold fits: ")
        with pytest.raises(ValueError, match="^no complete fold fits: "):
            plan_folds(gappy, spec, window_end=end)
        return
    try:
        plan = plan_folds(gappy, spec, window_end=end)
    except ValueError as refused:  # the holes emptied every complete fold
        assert str(refused).startswith("no complete fold fits: ") and "no bars in the" in str(refused)
        return
    by_index = {f.index: f for f in reference.folds}
    assert sorted([f.index for f in plan.folds] + [s.index for s in plan.skipped]) == sorted(by_index)
    for f in plan.folds:
        assert 0 <= f.train_start < f.train_end <= f.test_start < f.test_end <= len(gappy)
        assert f.warmup_start == max(0, f.test_start - warmup)
        assert f.test_first >= f.train_last + (gap_days + 1) * DAY  # the gap in time, whatever bars are missing
        whole = by_index[f.index]
        assert whole.train_first <= f.train_first and f.train_last <= whole.train_last
        assert whole.test_first <= f.test_first and f.test_last <= whole.test_last
        assert f.partial == whole.partial
        if kind == "anchored":
            assert f.train_start == 0
    assert_test_windows_disjoint_and_in_order(plan)
    assert_test_windows_disjoint_and_in_order(reference)
