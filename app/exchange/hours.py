"""When the market trades: `always` (a 24/7 demo market: every New York calendar day, all day) or
`nyse` (NYSE sessions and holidays).

Both modes are described by one function, `session(day)`; every other question (is it open, next
open/close, when does a day order expire, the calendar) is answered generically from it.

A 24/7 demo session runs from midnight to midnight New York, so one session's end is the next one's
start. The clock (`clock()`) reports its close as its last millisecond, 23:59:59.999, which keeps Alpaca's
order when open (timestamp < next_close < next_open) and agrees with the calendar's "23:59"; trading never
actually stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from app.exchange.timefmt import ny_date, ny_midnight, ny_time

LOOKAHEAD_DAYS = 12  # longer than any run of NYSE closures (weekend plus holidays)
DEMO_MARKET = "24/7 demo market"  # how `--hours always` names itself to users (CLI, headers, v3 market name)


@dataclass(frozen=True)
class ClockReading:
    """What Alpaca's clock answers at one moment (epoch milliseconds)."""

    is_open: bool
    next_open_ms: int
    next_close_ms: int


@dataclass(frozen=True)
class Session:
    """One trading day: regular hours [open_ms, close_ms) and extended hours [ext_open_ms, ext_close_ms)."""

    day: date
    open_ms: int
    close_ms: int
    ext_open_ms: int
    ext_close_ms: int
    open_hm: str
    close_hm: str
    ext_open_hm: str
    ext_close_hm: str


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def _observed(day: date) -> date:
    return day - timedelta(days=1) if day.weekday() == 5 else day + timedelta(days=(day.weekday() == 6))


@lru_cache(maxsize=256)
def nyse_holidays(year: int) -> frozenset[date]:
    """Full-day NYSE closures by the exchange's standing rules (no one-off closures)."""
    new_year = date(year, 1, 1)
    days = {
        new_year + timedelta(days=1) if new_year.weekday() == 6 else new_year,  # Saturday: not observed
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _easter(year) - timedelta(days=2),  # Good Friday
        _last_weekday(year, 5, 0),  # Memorial Day
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),
    }
    if year >= 2022:
        days.add(_observed(date(year, 6, 19)))  # Juneteenth
    return frozenset(d for d in days if d.year == year)


def _nyse_early_close(day: date) -> bool:
    thanksgiving = _nth_weekday(day.year, 11, 3, 4)
    return day in (thanksgiving + timedelta(days=1), date(day.year, 12, 24), date(day.year, 7, 3))


class MarketHours:
    """The trading calendar of one hours mode."""

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def session(self, day: date) -> Session | None:
        if self.mode == "always":
            start, end = ny_midnight(day), ny_midnight(day + timedelta(days=1))
            # alpaca-py parses close as "%H:%M", so a 24-hour day is written 00:00-23:59.
            return Session(day, start, end, start, end, "00:00", "23:59", "0000", "2359")
        return _nyse_session(day)

    def is_open(self, ms: int) -> bool:
        session = self.session(ny_date(ms))
        return session is not None and session.open_ms <= ms < session.close_ms

    def is_tradable(self, ms: int, extended: bool) -> bool:
        session = self.session(ny_date(ms))
        if session is None:
            return False
        if extended:
            return session.ext_open_ms <= ms < session.ext_close_ms
        return session.open_ms <= ms < session.close_ms

    def current_or_next(self, ms: int) -> Session:
        """The session open now, or else the next one to open."""
        day = ny_date(ms)
        for offset in range(LOOKAHEAD_DAYS):
            session = self.session(day + timedelta(days=offset))
            if session is not None and session.close_ms > ms:
                return session
        raise RuntimeError("no session within the lookahead window")  # pragma: no cover

    def previous(self, session: Session) -> Session:
        for offset in range(1, LOOKAHEAD_DAYS):
            earlier = self.session(session.day - timedelta(days=offset))
            if earlier is not None:
                return earlier
        raise RuntimeError("no session within the lookback window")  # pragma: no cover

    def next_open(self, ms: int) -> int:
        session = self.current_or_next(ms)
        if session.open_ms > ms:
            return session.open_ms
        return self.current_or_next(session.close_ms).open_ms

    def next_close(self, ms: int) -> int:
        return self.current_or_next(ms).close_ms

    def clock(self, ms: int) -> ClockReading:
        """The clock at `ms`: when open the next close comes first, then the next session's open."""
        if self.mode != "always":
            return ClockReading(self.is_open(ms), self.next_open(ms), self.next_close(ms))
        session = self.current_or_next(ms)
        if self.reported_close(session) <= ms:  # the session's very last millisecond: show the next one's
            session = self.current_or_next(session.close_ms)
        following = self.current_or_next(session.close_ms)
        return ClockReading(True, following.open_ms, self.reported_close(session))

    def reported_close(self, session: Session) -> int:
        """The close the clock and the v3 calendar state: a 24/7 demo session's last millisecond."""
        return session.close_ms - 1 if self.mode == "always" else session.close_ms

    def previous_close(self, ms: int) -> int:
        """The close of the last trading day before the current (or next) one: "lastday" prices."""
        return self.previous(self.current_or_next(ms)).close_ms

    def sessions(self, first: date, last: date) -> list[Session]:
        days = (last - first).days
        found = (self.session(first + timedelta(days=i)) for i in range(max(days + 1, 0)))
        return [s for s in found if s is not None]

    def settlement_date(self, session: Session) -> date:
        """T+1 settlement: the next trading day."""
        return self.current_or_next(session.close_ms).day


@lru_cache(maxsize=4096)
def _nyse_session(day: date) -> Session | None:
    if day.weekday() >= 5 or day in nyse_holidays(day.year):
        return None
    # An early close (13:00) ends after-hours at 17:00 too: after-hours runs four hours past the close.
    close_hour = 13 if _nyse_early_close(day) else 16
    return Session(
        day,
        ny_time(day, 9, 30),
        ny_time(day, close_hour, 0),
        ny_time(day, 4, 0),
        ny_time(day, close_hour + 4, 0),
        "09:30",
        f"{close_hour}:00",
        "0400",
        f"{close_hour + 4}00",
    )
