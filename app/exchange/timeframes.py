"""The buckets a bar timeframe (`5Min`, `1Hour`, `1Day`, `1Month`...) cuts the exchange's time into.

The text is parsed by Weaver's one timeframe parser (app/clock/timeframes.py), with Alpaca's short units
and months. Fixed timeframes are aligned to the Unix epoch (so to UTC minutes and hours, like Alpaca's);
calendar ones to New York midnight: a daily bar is stamped 04:00Z or 05:00Z, as Alpaca stamps them.
`{n}Sec` is an extension for exchanges whose base bar is shorter than a minute (alpaca-py cannot ask for it).
"""

from __future__ import annotations

from datetime import date

from app.clock.timeframes import Timeframe, TimeframeError
from app.clock.timeframes import parse_timeframe as parse_text
from app.exchange.errors import bad_request
from app.exchange.timefmt import ny_midnight

__all__ = ["Timeframe", "calendar_bucket", "parse_timeframe"]


def calendar_bucket(timeframe: Timeframe, day: date) -> int:
    """Start (ms) of the Day/Week/Month bucket a trading day belongs to."""
    if timeframe.unit == "Day":
        return ny_midnight(day)
    if timeframe.unit == "Week":
        return ny_midnight(date.fromordinal(day.toordinal() - day.weekday()))
    month = (day.year * 12 + day.month - 1) // timeframe.amount * timeframe.amount
    return ny_midnight(date(month // 12, month % 12 + 1, 1))


def parse_timeframe(text: str | None, bar_ms: int) -> Timeframe:
    try:
        timeframe = parse_text(text, months=True)
    except TimeframeError:
        raise bad_request(f"invalid timeframe {text!r}") from None
    fixed = timeframe.milliseconds
    if fixed is not None and fixed % bar_ms:
        raise bad_request(f"timeframe {text} is not a multiple of the exchange's {bar_ms / 1000:g}s bars")
    return timeframe
