"""RealtimeClock: wall-clock bar alignment for live and paper runs (no I/O, no `now()` inside).

A bar is stamped with its start (Alpaca's convention): at the 09:32:00 boundary the bar that just
closed is the one stamped 09:31. Intraday bars align to multiples of their length since the epoch
(UTC); daily bars close at the regular session's end, 16:00 New York time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.clock.timeframes import Timeframe, TimeframeError, parse_timeframe

NEW_YORK = ZoneInfo("America/New_York")
SESSION_CLOSE = time(16, 0)


def live_timeframe(timeframe: str | Timeframe) -> Timeframe:
    """The timeframe a live clock can tick on: seconds up to one day (no week or month bars)."""
    try:
        frame = parse_timeframe(timeframe)
    except TimeframeError:
        frame = None
    if frame is None or not (frame.intraday or frame.daily):
        raise TimeframeError(f"unknown timeframe {timeframe!r}; use e.g. 1Sec, 1Min, 5Min, 1Hour, 1Day")
    return frame


def bar_seconds(timeframe: str | Timeframe) -> int:
    return int(live_timeframe(timeframe).delta.total_seconds())


@dataclass(frozen=True)
class Tick:
    """Fire at `fire_at` (boundary + settle delay) to process the bar that started at `bar_ts`."""

    boundary: datetime
    bar_ts: datetime
    fire_at: datetime


class RealtimeClock:
    def __init__(self, timeframe: str, settle: timedelta = timedelta(0)):
        self.timeframe = timeframe
        self.frame = live_timeframe(timeframe)
        self.length = bar_seconds(self.frame)
        self.settle = settle

    def next_tick(self, now: datetime) -> Tick:
        """The first tick whose fire time is strictly after `now`."""
        if now.tzinfo is None:
            raise ValueError("RealtimeClock needs timezone-aware times")
        if self.frame.daily:
            return self._next_daily(now)
        step = timedelta(seconds=self.length)
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        elapsed = (now.astimezone(UTC) - epoch - self.settle) // step
        boundary = epoch + (elapsed + 1) * step
        return Tick(boundary=boundary, bar_ts=boundary - step, fire_at=boundary + self.settle)

    def last_tick(self, now: datetime) -> Tick:
        """The most recent tick whose fire time is at or before `now` (what a late job processes)."""
        if self.frame.daily:
            probe = self.next_tick(now - timedelta(days=4))
            while True:
                following = self.next_tick(probe.fire_at)
                if following.fire_at > now:
                    return probe
                probe = following
        step = timedelta(seconds=self.length)
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        boundary = epoch + ((now.astimezone(UTC) - epoch - self.settle) // step) * step
        return Tick(boundary=boundary, bar_ts=boundary - step, fire_at=boundary + self.settle)

    def _next_daily(self, now: datetime) -> Tick:
        local = (now - self.settle).astimezone(NEW_YORK)
        day = local.date()
        while True:
            close = datetime.combine(day, SESSION_CLOSE, NEW_YORK)
            if day.weekday() < 5 and close > local:
                break
            day += timedelta(days=1)
        boundary = close.astimezone(UTC)
        bar_start = datetime.combine(day, time(0, 0), NEW_YORK).astimezone(UTC)  # daily bars: NY midnight
        return Tick(boundary=boundary, bar_ts=bar_start, fire_at=boundary + self.settle)
