"""Time in the exchange is integer milliseconds since the Unix epoch (UTC); these helpers convert it."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
MS_PER_DAY = 86_400_000


def wall_clock_ms() -> int:
    """The real time; the exchange takes its clock as a function so tests can inject one."""
    return time.time_ns() // 1_000_000


def to_datetime(ms: int, tz: ZoneInfo | None = None) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone(tz or UTC)


def from_datetime(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # alpaca-py treats naive times as UTC; so do we
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * MS_PER_DAY) + delta.seconds * 1000 + delta.microseconds // 1000


def iso(ms: int | None) -> str | None:
    """RFC 3339 in UTC with a Z, as Alpaca's trading API writes timestamps."""
    if ms is None:
        return None
    text = to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text + "Z"


def iso_bar(ms: int) -> str:
    """Bar stamps: whole seconds print as "2022-03-10T19:26:00Z", like Alpaca's; sub-second bars keep ms."""
    moment = to_datetime(ms)
    if ms % 1000:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_new_york(ms: int) -> str:
    """The clock endpoint answers in New York time with an offset, as Alpaca's does."""
    return to_datetime(ms, NEW_YORK).isoformat(timespec="microseconds")


def parse_time(text: str) -> int:
    """Accept RFC 3339 (Z or offset), a naive ISO datetime (UTC) or a bare date (midnight New York)."""
    return from_datetime(_parse(text))


def parse_time_us(text: str) -> int:
    """`parse_time` to the microsecond (trades and quotes are stamped in microseconds)."""
    value = _parse(text)
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _parse(text: str) -> datetime:
    raw = text.strip().replace(" ", "+") if "T" in text else text.strip()
    if len(raw) == 10:
        day = date.fromisoformat(raw)
        return datetime(day.year, day.month, day.day, tzinfo=NEW_YORK)
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    return datetime.fromisoformat(raw)


def ny_date(ms: int) -> date:
    return to_datetime(ms, NEW_YORK).date()


def ny_midnight(day: date) -> int:
    return from_datetime(datetime(day.year, day.month, day.day, tzinfo=NEW_YORK))


def ny_time(day: date, hour: int, minute: int) -> int:
    return from_datetime(datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK))


def next_day(day: date, days: int = 1) -> date:
    return day + timedelta(days=days)
