"""A symbol's snapshot: latest trade and quote, the latest minute bar, today's and the previous daily bar.

Outside the session everything is as of the last close, as Alpaca's are overnight.
"""

from __future__ import annotations

from datetime import timedelta

from app.exchange.barquery import BarReader
from app.exchange.tickquery import TickReader
from app.exchange.timefmt import ny_date, ny_midnight
from app.exchange.timeframes import parse_timeframe

LOOKBACK_DAYS = 5  # longest run of closed days before a minute bar (a long weekend)


def snapshot(bars: BarReader, ticks: TickReader, symbol: str) -> dict[str, object]:
    hours, now = ticks.hours, ticks.now_ms
    at = now if hours.is_open(now) else hours.previous_close(now) - 1
    trade, quote = ticks.latest(symbol)
    minute = parse_timeframe(f"{max(bars.bar_ms // 60_000, 1)}Min", bars.bar_ms)
    recent, _ = bars.page([symbol], minute, at - 2 * max(60_000, bars.bar_ms), at, 1, None, True)
    if not recent:
        recent, _ = bars.page([symbol], minute, at - LOOKBACK_DAYS * 86_400_000, at, 1, None, True)
    day = parse_timeframe("1Day", bars.bar_ms)
    today = hours.session(ny_date(at))
    before = hours.previous(today) if today is not None else hours.previous(hours.current_or_next(at))
    daily, _ = bars.page([symbol], day, ny_midnight(ny_date(at)), at, 1, None, True)
    previous, _ = bars.page([symbol], day, ny_midnight(before.day), ny_midnight(before.day + timedelta(days=1)) - 1,
                            1, None, True)
    body: dict[str, object] = {"latestTrade": trade, "latestQuote": quote}
    for key, found in (("minuteBar", recent), ("dailyBar", daily), ("prevDailyBar", previous)):
        if found.get(symbol):
            body[key] = found[symbol][0]
    return body
