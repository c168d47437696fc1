"""Lengths a user gives a walk-forward fold in: a number of bars, or a calendar period ("3M", "2W").

A calendar period is kept as whole months plus whole days, so offsets add up exactly: fold k's test
window starts at origin + (k × step + train + gap), computed once from the origin, never by stepping
from the previous fold (stepping would let a clamped Jan 31 → Feb 29 drift every later fold to the
29th, and let neighbouring folds overlap by the drift).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

DAY_NS = 86_400 * 10**9
_PERIOD = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)
_BARS = re.compile(r"^\s*(\d+)\s*$")
_HINT = "give a number of bars (e.g. 250) or a calendar period (e.g. 30D, 2W, 3M, 1Y)"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar offset: `months` are added first (day clamped to the month's end), then `days`."""

    months: int = 0
    days: int = 0
    text: str = field(default="", compare=False)  # as the user wrote it, for messages: 1Y equals 12M

    def __add__(self, other: Period) -> Period:
        return Period(self.months + other.months, self.days + other.days, "")

    def __mul__(self, k: int) -> Period:
        return Period(self.months * k, self.days * k, "")

    def __str__(self) -> str:
        return self.text or f"{self.months}M{self.days}D"

    def is_zero(self) -> bool:
        return self.months == 0 and self.days == 0


Length = int | Period  # an int is a number of bars


def parse_length(value: object, name: str, *, allow_zero: bool = False) -> Length:
    """A length from an int (bars), a digit string (bars) or 'nD' / 'nW' / 'nM' / 'nY'.
    ValueError names the field, so a form or CLI can show it beside the input."""
    least = "0 or more" if allow_zero else "positive"
    if isinstance(value, bool) or not isinstance(value, int | str | Period):
        raise ValueError(f"{name}: {value!r} is not a length: {_HINT}")
    if isinstance(value, Period):
        if value.months < 0 or value.days < 0 or (value.is_zero() and not allow_zero):
            raise ValueError(f"{name} must be {least}: got {value}")
        return value
    if isinstance(value, str):
        if bars := _BARS.match(value):
            value = int(bars.group(1))
        elif match := _PERIOD.match(value):
            amount, unit = int(match.group(1)), match.group(2).upper()
            if amount == 0 and not allow_zero:
                raise ValueError(f"{name} must be {least}: got {value.strip()!r}")
            months = {"M": amount, "Y": 12 * amount}.get(unit, 0)
            days = {"D": amount, "W": 7 * amount}.get(unit, 0)
            return Period(months, days, f"{amount}{unit}")
        else:
            raise ValueError(f"{name}: {value!r} is not a length: {_HINT}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {least}: got {value} bars")
    return value


def add_period(ts_ns: int, period: Period) -> int:
    """ts + period, exactly in ns: calendar months keep the day of month and time of day, clamped to
    the target month's last day (2020-01-31 + 1M = 2020-02-29), then whole days are added."""
    day_index, time_of_day = divmod(ts_ns, DAY_NS)
    day = date.fromordinal(_EPOCH_ORDINAL + day_index)
    month0 = day.year * 12 + (day.month - 1) + period.months
    year, month = divmod(month0, 12)
    last = calendar.monthrange(year, month + 1)[1]
    moved = date(year, month + 1, min(day.day, last))
    return (moved.toordinal() - _EPOCH_ORDINAL + period.days) * DAY_NS + time_of_day


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
