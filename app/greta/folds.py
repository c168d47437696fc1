"""Walk-forward folds: which bars each fold trains on and which it tests on, out of sample.

Bar lengths count bars from the first bar. Calendar lengths are located by time (searchsorted), so
a hole in the data (a holiday, a missing week) shortens the fold it falls in instead of shifting
every later fold; a fold left with no bars in a window is skipped with the reason, like a sweep's
skipped cells. Test windows never overlap (step ≥ test): an out-of-sample bar is tested once.
Rolling and anchored folds with the same lengths share their test windows; only the train start
differs (rolling slides it by the step, anchored keeps it at the first bar).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from app.greta.periods import DAY_NS, Length, Period, add_period, parse_length

KINDS = ("rolling", "anchored")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FoldSpec:
    """Validated fold lengths: all in bars (ints) or all calendar periods; `warmup` is always bars."""

    kind: str
    train: Length
    test: Length
    step: Length
    gap: Length
    warmup: int = 0
    min_test_bars: int = 1

    @property
    def calendar(self) -> bool:
        return isinstance(self.test, Period)

    @classmethod
    def of(cls, kind: str, train: object, test: object, step: object = None, gap: object = 0,
           warmup: object = 0, min_test_bars: object = 1) -> FoldSpec:
        """Parse what a user gave (step defaults to the test length: back-to-back test windows)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be 'rolling' or 'anchored': got {kind!r}")
        lengths = {"train": parse_length(train, "train"), "test": parse_length(test, "test")}
        lengths["step"] = lengths["test"] if step is None else parse_length(step, "step")
        given = {name: value for name, value in lengths.items() if name != "step" or step is not None}
        calendar = [name for name, value in given.items() if isinstance(value, Period)]
        if calendar and len(calendar) < len(given):
            bars = [name for name in given if name not in calendar]  # a step not given is not blamed
            raise ValueError(f"{_listed(calendar, 'is a calendar period', 'are calendar periods')} but "
                             f"{_listed(bars, 'is in bars', 'are in bars')}: give train, test and step all in bars "
                             "or all as calendar periods")
        gap_ = parse_length(gap, "gap", allow_zero=True)
        if calendar and isinstance(gap_, int):
            if gap_:
                raise ValueError(f"gap is {gap_} bars but the folds are calendar periods: give the gap as a "
                                 "period too (e.g. 5D)")
            gap_ = Period(text="0D")
        elif not calendar and isinstance(gap_, Period):
            if not gap_.is_zero():
                raise ValueError(f"gap is a calendar period ({gap_}) but the folds are in bars: give it in bars")
            gap_ = 0
        for name, value, least in (("warmup", warmup, 0), ("min_test_bars", min_test_bars, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be a whole number of bars, at least {least}: got {value!r}")
        _refuse_overlap(lengths["step"], lengths["test"])
        return cls(kind, lengths["train"], lengths["test"], lengths["step"], gap_, warmup, min_test_bars)


def _refuse_overlap(step: Length, test: Length) -> None:
    """Overlapping test windows would test a bar twice and double-count it in the stitched curve.
    Months and days do not compare (1M vs 30D): those are checked fold by fold in plan_folds."""
    if isinstance(step, int) and isinstance(test, int):
        shorter = step < test
    else:
        assert isinstance(step, Period) and isinstance(test, Period)
        shorter = step.months <= test.months and step.days <= test.days and step != test
    if shorter:
        raise ValueError(f"step ({_length(step)}) is shorter than the test window ({_length(test)}): test windows "
                         "would overlap; give a step at least as long as the test window")


@dataclass(frozen=True)
class Fold:
    """Half-open bar indices [start, end) into the window's bars, and the first/last bar's time of each
    window (inclusive: what a backtest's start and end take). Bars from warmup_start to test_start
    feed indicators before the test window; nothing trades on them."""

    index: int
    train_start: int
    train_end: int
    test_start: int
    test_end: int
    warmup_start: int
    train_first: datetime
    train_last: datetime
    test_first: datetime
    test_last: datetime
    partial: bool = False  # the test window runs past the data's end: shorter than asked


@dataclass(frozen=True)
class SkippedFold:
    index: int
    reason: str


@dataclass(frozen=True)
class FoldPlan:
    folds: tuple[Fold, ...]
    skipped: tuple[SkippedFold, ...]


@dataclass(frozen=True)
class _Bounds:
    """One fold before it is checked: indices, and its nominal test window (ns, or bars)."""

    k: int
    train: tuple[int, int]
    test: tuple[int, int]
    nominal_test: tuple[int, int]
    partial: bool
    windows: tuple[str, str]  # the train and test windows as a user reads them, for skip reasons


def plan_folds(timestamps: np.ndarray | Sequence[datetime], spec: FoldSpec, *,
               window_start: datetime | None = None, window_end: datetime | None = None) -> FoldPlan:
    """The folds that fit the window's bars. Calendar periods count from `window_start` (pass the run's
    start, so a holiday on its first day does not move every boundary), by default the first bar.
    `window_end` (exclusive) is where the window stops; by default one bar interval (the shortest
    spacing) after the last bar, so a test window ending exactly there is complete."""
    ts = as_ns(timestamps)
    if len(ts) == 0:
        raise ValueError("the window holds no bars: nothing to fold")
    if len(ts) > 1 and bool(np.any(np.diff(ts) <= 0)):
        raise ValueError("bar times must be strictly increasing")
    origin = int(ts[0])
    if spec.calendar:
        origin, end = _start_ns(ts, window_start), _end_ns(ts, window_end)
        bounds = list(_calendar_bounds(ts, spec, origin, end))
    else:
        bounds = list(_bar_bounds(len(ts), spec))
    folds, skipped = [], []
    for b in bounds:
        reason = _skip_reason(b, spec)
        if reason:
            skipped.append(SkippedFold(b.k, reason))
        else:
            folds.append(_fold(ts, b, spec.warmup))
    _check_no_overlap(bounds, spec)
    if not any(not f.partial for f in folds):
        raise ValueError(_nothing_fits(ts, spec, skipped, origin))
    return FoldPlan(tuple(folds), tuple(skipped))


def as_ns(timestamps: np.ndarray | Sequence[datetime]) -> np.ndarray:
    """Bar times as int64 epoch ns (Greta's timeline), from ns ints, datetime64 or aware datetimes."""
    if isinstance(timestamps, np.ndarray) and timestamps.dtype.kind == "M":
        return timestamps.astype("datetime64[ns]").astype(np.int64)
    if isinstance(timestamps, np.ndarray) and timestamps.dtype.kind in "iu":
        return timestamps.astype(np.int64)
    out = []
    for t in timestamps:
        if not isinstance(t, datetime) or t.tzinfo is None:
            raise ValueError(f"bar times must be timezone-aware datetimes (UTC) or epoch ns: got {t!r}")
        out.append((t - _EPOCH) // timedelta(microseconds=1) * 1000)
    return np.array(out, dtype=np.int64)


def _start_ns(ts: np.ndarray, window_start: datetime | None) -> int:
    if window_start is None:
        return int(ts[0])
    start = int(as_ns([window_start])[0])
    if start > ts[0]:
        raise ValueError(f"window_start ({window_start.isoformat()}) must not be after the first bar "
                         f"({_when(int(ts[0]))})")
    return start


def _end_ns(ts: np.ndarray, window_end: datetime | None) -> int:
    if window_end is None:
        return int(ts[-1]) + (int(np.diff(ts).min()) if len(ts) > 1 else 1)  # the bar interval: holes are longer
    end = int(as_ns([window_end])[0])
    if end <= ts[-1]:
        raise ValueError(f"window_end ({window_end.isoformat()}) must be after the last bar ({_when(int(ts[-1]))})")
    return end


def _bar_bounds(n: int, spec: FoldSpec) -> Iterator[_Bounds]:
    train, test, step, gap = spec.train, spec.test, spec.step, spec.gap
    assert isinstance(train, int) and isinstance(test, int) and isinstance(step, int) and isinstance(gap, int)
    k = 0
    while (test_start := k * step + train + gap) < n:
        train_start = 0 if spec.kind == "anchored" else k * step
        test_end = test_start + test
        yield _Bounds(k, (train_start, test_start - gap), (test_start, min(test_end, n)), (test_start, test_end),
                      test_end > n, (f"bars {train_start}–{test_start - gap}", f"bars {test_start}–{test_end}"))
        k += 1


def _calendar_bounds(ts: np.ndarray, spec: FoldSpec, origin: int, end: int) -> Iterator[_Bounds]:
    """Every boundary is origin + one summed offset, so folds line up however months clamp."""
    train, test, step, gap = spec.train, spec.test, spec.step, spec.gap
    assert isinstance(train, Period) and isinstance(test, Period) and isinstance(step, Period)
    assert isinstance(gap, Period)
    k = 0
    while (test_start := add_period(origin, step * k + train + gap)) < end:
        train_start = origin if spec.kind == "anchored" else add_period(origin, step * k)
        train_end = add_period(origin, step * k + train)
        test_end = add_period(origin, step * k + train + gap + test)
        i = np.searchsorted(ts, [train_start, train_end, test_start, min(test_end, end)], side="left").tolist()
        yield _Bounds(k, (i[0], i[1]), (i[2], i[3]), (test_start, test_end), test_end > end,
                      (f"{_when(train_start)} to {_when(train_end)}", f"{_when(test_start)} to {_when(test_end)}"))
        k += 1


def _skip_reason(b: _Bounds, spec: FoldSpec) -> str | None:
    if b.train[1] <= b.train[0]:
        return f"fold {b.k}: no bars in the train window ({b.windows[0]})"
    bars = b.test[1] - b.test[0]
    if bars == 0:
        return f"fold {b.k}: no bars in the test window ({b.windows[1]})"
    if bars < spec.min_test_bars:
        what = "the last fold's test window runs past the data and" if b.partial else "the test window"
        return f"fold {b.k}: {what} holds {_bars(bars)}, fewer than the minimum {spec.min_test_bars} ({b.windows[1]})"
    return None


def _fold(ts: np.ndarray, b: _Bounds, warmup: int) -> Fold:
    (train_start, train_end), (test_start, test_end) = b.train, b.test
    return Fold(b.k, train_start, train_end, test_start, test_end, max(0, test_start - warmup),
                _dt(int(ts[train_start])), _dt(int(ts[train_end - 1])),
                _dt(int(ts[test_start])), _dt(int(ts[test_end - 1])), b.partial)


def _check_no_overlap(bounds: list[_Bounds], spec: FoldSpec) -> None:
    """Only a calendar step and test in different units (1M vs 30D) can get here: a month can be
    shorter than 30 days, so the step is checked against each fold's actual test window."""
    for before, after in zip(bounds, bounds[1:], strict=False):
        if after.nominal_test[0] < before.nominal_test[1]:
            raise ValueError(f"step ({spec.step}) is shorter than the test window ({spec.test}) at fold {after.k}: "
                             f"its test window starts {_when(after.nominal_test[0])}, before fold {before.k}'s ends "
                             f"{_when(before.nominal_test[1])}; test windows must not overlap (give both in "
                             "months, or a longer step)")


def _nothing_fits(ts: np.ndarray, spec: FoldSpec, skipped: list[SkippedFold], origin: int) -> str:
    if spec.calendar:
        assert isinstance(spec.train, Period) and isinstance(spec.gap, Period) and isinstance(spec.test, Period)
        first_end = add_period(origin, spec.train + spec.gap + spec.test)
        text = (f"no complete fold fits: the bars run from {_when(int(ts[0]))} to {_when(int(ts[-1]))}, and the "
                f"first fold (train {spec.train}, gap {spec.gap}, test {spec.test}) needs data until "
                f"{_when(first_end)}")
        if skipped:  # the first few say why; a long list would bury the hint
            text += "; " + "; ".join(s.reason for s in skipped[:3])
            text += f"; and {len(skipped) - 3} more skipped" if len(skipped) > 3 else ""
        return text + "; shorten train or test, or widen the window"
    n, train, gap, test = len(ts), spec.train, spec.gap, spec.test
    assert isinstance(train, int) and isinstance(gap, int) and isinstance(test, int)
    room = n - gap - test
    hint = (f"with test {test} and gap {gap}, train can be at most {_bars(room)}" if room > 0
            else f"the window is shorter than gap {gap} + test {test}")
    return (f"no complete fold fits in {n} bars: one fold needs train {train} + gap {gap} + test {test} = "
            f"{train + gap + test} bars; {hint}")


def _listed(names: list[str], one: str, many: str) -> str:
    return f"{' and '.join(names)} {one if len(names) == 1 else many}"


def _length(length: Length) -> str:
    return str(length) if isinstance(length, Period) else _bars(length)


def _bars(count: int) -> str:
    return f"{count} bar" if count == 1 else f"{count} bars"


def _dt(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ns // 1000)


def _when(ns: int) -> str:
    """A date when the boundary is midnight (daily bars), else the minute."""
    t = _dt(ns)
    return t.date().isoformat() if ns % DAY_NS == 0 else t.strftime("%Y-%m-%d %H:%M")
