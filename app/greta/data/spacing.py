"""Bars much further apart than the timeframe they are read or stored under (a daily file given as
1Hour): kept as asked, since sparse data exists, but said, because every annualised figure (CAGR,
volatility, Sharpe) counts bars per year by that timeframe."""

from __future__ import annotations

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
