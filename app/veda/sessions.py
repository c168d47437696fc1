"""Whether a bar belongs to a trading session, by the broker's calendar (fetched a week at a time).

A tick is judged by its bar, not by the moment it fires: the 15:59 minute bar is traded although its
tick fires at 16:00, after the close, and a bar stamped at night or on a holiday is not traded
however the scheduler got to it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.clock.realtime import NEW_YORK
from app.clock.timeframes import parse_timeframe
from app.veda.ports import Broker

Hours = tuple[datetime, datetime] | None  # regular session [open, close), or None: no session that day
_FETCH_DAYS = 7
_KEEP_DAYS = 400


class SessionCalendar:
    def __init__(self, broker: Broker):
        self.broker = broker
        self._days: dict[date, Hours] = {}

    def trades(self, timeframe: str, bar_ts: datetime) -> bool:
        """True when the bar starting at `bar_ts` lies inside a session (daily bars: a session day)."""
        frame = parse_timeframe(timeframe)
        if frame.unit == "Week":
            return True
        hours = self.hours(bar_ts.astimezone(NEW_YORK).date())
        if hours is None:
            return False
        if not frame.intraday:
            return True
        opens, closes = hours
        return opens <= bar_ts and bar_ts + frame.delta <= closes

    def hours(self, day: date) -> Hours:
        if day not in self._days:
            if len(self._days) > _KEEP_DAYS:
                self._days.clear()
            last = day + timedelta(days=_FETCH_DAYS - 1)
            found = {entry.date: entry for entry in self.broker.calendar(day.isoformat(), last.isoformat())}
            for offset in range(_FETCH_DAYS):
                each = day + timedelta(days=offset)
                entry = found.get(each)
                self._days[each] = None if entry is None else _session(each, entry.open, entry.close)
        return self._days[day]


def _session(day: date, opens: str, closes: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.fromisoformat(opens), NEW_YORK)
    # Alpaca's calendar writes times as HH:MM, so a market open around the clock closes at "23:59".
    end = (datetime.combine(day + timedelta(days=1), time(0), NEW_YORK) if closes == "23:59"
           else datetime.combine(day, time.fromisoformat(closes), NEW_YORK))
    return start, end
