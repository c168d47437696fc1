"""Trading-session dates for bar timestamps, vectorised: which day a bar trades on, where that day ends.

Day orders expire at the end of their session and regulatory fees change on dated rates, so Greta
needs each bar's trading date. Intraday bars carry real times, so their date is the New York date.
Daily bars are stamped at a midnight: Alpaca's at New York midnight (04:00Z/05:00Z), a CSV's at UTC
midnight; the UTC calendar date of the stamp is the trading date in both conventions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from app.clock.timeframes import Timeframe

NEW_YORK = ZoneInfo("America/New_York")
REGULAR_CLOSE = time(16, 0)
NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND
EPOCH = date(1970, 1, 1)


def _offset_ns(ns: int) -> int:
    moment = datetime.fromtimestamp(ns / NS_PER_SECOND, tz=UTC).astimezone(NEW_YORK)
    offset = moment.utcoffset()
    return int(offset.total_seconds()) * NS_PER_SECOND if offset is not None else 0


def new_york_offsets(ts_ns: np.ndarray) -> np.ndarray:
    """New York's UTC offset (ns, negative) at each timestamp; one zoneinfo call per distinct UTC day."""
    ts_ns = np.asarray(ts_ns, dtype=np.int64)
    if len(ts_ns) == 0:
        return np.zeros(0, dtype=np.int64)
    days, inverse = _distinct(ts_ns // NS_PER_DAY)
    at_start = np.array([_offset_ns(int(d) * NS_PER_DAY) for d in days], dtype=np.int64)
    at_end = np.array([_offset_ns(int(d) * NS_PER_DAY + NS_PER_DAY - 1) for d in days], dtype=np.int64)
    offsets = at_start[inverse]
    # Days holding a daylight-saving switch (two a year) are resolved stamp by stamp.
    for index in np.flatnonzero((at_start != at_end)[inverse]):
        offsets[index] = _offset_ns(int(ts_ns[index]))
    return offsets


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True), in one pass when the values are sorted (a timeline is)."""
    steps = np.diff(values)
    if (steps < 0).any():
        return np.unique(values, return_inverse=True)
    starts = np.concatenate(([True], steps != 0))
    return values[starts], np.cumsum(starts) - 1


def session_dates(ts_ns: np.ndarray, timeframe: Timeframe) -> np.ndarray:
    """Trading date of each bar as days since 1970-01-01 (int64), by the rule in the module docstring."""
    ts_ns = np.asarray(ts_ns, dtype=np.int64)
    if timeframe.intraday:
        return (ts_ns + new_york_offsets(ts_ns)) // NS_PER_DAY
    return ts_ns // NS_PER_DAY


def session_ends(dates: np.ndarray) -> np.ndarray:
    """For each bar, the index of the last bar with the same trading date (dates must not decrease)."""
    count = len(dates)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    changes = dates[1:] != dates[:-1]
    ends = np.append(np.flatnonzero(changes), count - 1)
    group = np.concatenate(([0], np.cumsum(changes)))
    return ends[group].astype(np.int64)


def cut_before_close(last_ts_ns: int, timeframe: Timeframe) -> bool:
    """Whether intraday bars whose last one starts at `last_ts_ns` stop before that bar's New York session's
    regular close (16:00): a window cut mid-session (a drift replay of the bars a live run has seen so far,
    a CSV that ends at noon), whose day orders are still working when it ends, not expired at its last bar."""
    if not timeframe.intraday or timeframe.seconds is None:
        return False
    start = datetime.fromtimestamp(last_ts_ns // NS_PER_SECOND, tz=UTC)
    close = datetime.combine(start.astimezone(NEW_YORK).date(), REGULAR_CLOSE, tzinfo=NEW_YORK)
    return start + timedelta(seconds=timeframe.seconds) < close


def day_number(day: date) -> int:
    return (day - EPOCH).days


def date_of(day_number: int) -> date:
    return EPOCH + timedelta(days=int(day_number))


def trading_days(first: date, count: int) -> list[date]:
    """`count` weekdays from `first` on (holidays are not modelled; synthetic data only)."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def new_york_ns(day: date, at: time) -> int:
    """UTC epoch nanoseconds of a New York wall-clock time on a date."""
    moment = datetime.combine(day, at, tzinfo=NEW_YORK)
    return int(moment.timestamp()) * NS_PER_SECOND
