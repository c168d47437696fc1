"""A symbol's snapshot: latest trade and quote, the latest minute bar, the latest and the previous daily bar.

The trade, quote and minute bar follow the tape into extended hours; daily bars are regular sessions
(datahours.py). Before a session's first regular bar (pre-market) the latest daily bar is the previous
session's, and overnight everything is as of the last print before 20:00 New York.
"""

from __future__ import annotations

from datetime import timedelta

from app.exchange.barquery import BarReader
from app.exchange.datahours import last_print_ms
from app.exchange.hours import Session
from app.exchange.tickquery import TickReader
from app.exchange.timefmt import ny_date, ny_midnight
from app.exchange.timeframes import parse_timeframe

LOOKBACK_DAYS = 5  # longest run of closed days before a minute bar (a long weekend)


def snapshot(bars: BarReader, ticks: TickReader, symbol: str, trade: dict | None = None) -> dict[str, object]:
    """`trade`: the latest trade when it is not the tape's last print (stocks': latest_trade.py)."""
    hours = ticks.hours
    at = last_print_ms(hours, ticks.now_ms)
    last_print, quote = ticks.latest(symbol)
    trade = trade or last_print
    minute = parse_timeframe(f"{max(bars.bar_ms // 60_000, 1)}Min", bars.bar_ms)
    recent, _ = bars.page([symbol], minute, at - 2 * max(60_000, bars.bar_ms), at, 1, None, True)
    if not recent:
        recent, _ = bars.page([symbol], minute, at - LOOKBACK_DAYS * 86_400_000, at, 1, None, True)
    today = hours.session(ny_date(at)) or hours.current_or_next(at)
    daily = _daily_bar(bars, symbol, today, at)
    before = hours.previous(today)
    if not daily:  # pre-market: today's regular session has no bar yet
        daily, before = _daily_bar(bars, symbol, before, at), hours.previous(before)
    previous = _daily_bar(bars, symbol, before, at)
    body: dict[str, object] = {"latestTrade": trade, "latestQuote": quote}
    for key, found in (("minuteBar", recent.get(symbol)), ("dailyBar", daily), ("prevDailyBar", previous)):
        if found:
            body[key] = found[0]
    return body


def _daily_bar(bars: BarReader, symbol: str, session: Session, at: int) -> list[dict]:
    """The daily bar of `session` as far as it has formed by `at` (empty before its first regular bar)."""
    day = parse_timeframe("1Day", bars.bar_ms)
    end = min(ny_midnight(session.day + timedelta(days=1)) - 1, at)
    found, _ = bars.page([symbol], day, ny_midnight(session.day), end, 1, None, True)
    return found.get(symbol, [])
