"""Bars much further apart than the timeframe they are read or stored under (a daily file given as
1Hour): kept as asked, since sparse data exists, but said, because every annualised figure (CAGR,
volatility, Sharpe) counts bars per year by that timeframe."""

from __future__ import annotations

import numpy as np

from app.clock.timeframes import infer_timeframe, parse_timeframe


def spacing_warning(gap_seconds: float | None, given: str | None, treated: str = "stored") -> str | None:
    """The warning for bars whose median gap is over 20 bars of `given`, or None."""
    if gap_seconds is None or given is None:
        return None
    nominal = parse_timeframe(given).delta.total_seconds()
    if gap_seconds <= nominal * 20:
        return None
    return (f"the file's bars are mostly {infer_timeframe(gap_seconds)} apart but were {treated} as {given} bars, "
            f"as asked: check the timeframe")


def gap_warning(ts: np.ndarray, timeframe: str) -> str | None:
    """Trial 34: a daily file missing three months ran without a word, its orders filling after the gap and its
    annualisation quietly changed. Gaps longer than five days (more than a long weekend) and five bars are said:
    how many, and the longest."""
    if len(ts) < 2:
        return None
    limit = long_gap_ns(timeframe)
    gaps = np.diff(np.asarray(ts, dtype=np.int64))
    long = np.flatnonzero(gaps > limit)
    if not len(long):
        return None
    widest = int(long[np.argmax(gaps[long])])
    span = f"none from {day_text(ts[widest])} to {day_text(ts[widest + 1])}, {int(gaps[widest] // DAY_NS)} days"
    what = (f"a gap in the bars ({span})" if len(long) == 1 else
            f"{len(long):,} gaps of more than {int(limit // DAY_NS)} days in the bars (the longest: {span})")
    return f"{what}: an order placed before a gap fills after it, and annualised figures count the bars the data holds"


DAY_NS = 86_400 * 10**9


def long_gap_ns(timeframe: str) -> float:
    """Bars further apart than this are a gap: five days (more than a market's long weekend) and five bars."""
    return max(5 * DAY_NS, 5 * parse_timeframe(timeframe).delta.total_seconds() * 1e9)


def day_text(ns: int) -> str:
    """An epoch-ns stamp as its UTC date, 2020-03-10."""
    return str(np.datetime_as_string(np.datetime64(int(ns), "ns"), unit="D"))
