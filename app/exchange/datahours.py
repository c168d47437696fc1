"""Which hours the market-data API covers, as Alpaca's does: prints and intraday bars in extended hours
(04:00–20:00 New York under `--hours nyse`), where extended-hours orders fill and positions are marked;
daily, weekly and monthly bars over the regular session only. Outside extended hours nothing prints and
"latest" is the last print before. Under `--hours always` (and crypto's 24/7) both spans are the whole
day, so nothing changes there.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from app.exchange.hours import LOOKAHEAD_DAYS, MarketHours, Session
from app.exchange.timefmt import ny_date


def data_span(session: Session, calendar: bool) -> tuple[int, int]:
    """[start, end) in ms of the data a day holds: its regular session for calendar (Day/Week/Month)
    bars, its extended hours for everything intraday."""
    return (session.open_ms, session.close_ms) if calendar else (session.ext_open_ms, session.ext_close_ms)


def printing(hours: MarketHours, ms: int) -> bool:
    """Whether the tape prints at `ms`."""
    return hours.is_tradable(ms, extended=True)


def last_print_ms(hours: MarketHours, ms: int) -> int:
    """`ms` while the tape prints; else the last millisecond of the latest extended hours before it."""
    day = ny_date(ms)
    for offset in range(LOOKAHEAD_DAYS):
        session = hours.session(day - timedelta(days=offset))
        if session is None:
            continue
        if session.ext_open_ms <= ms < session.ext_close_ms:
            return ms
        if session.ext_close_ms <= ms:
            return session.ext_close_ms - 1
    raise RuntimeError("no session within the lookback window")  # pragma: no cover


def printing_mask(hours: MarketHours, t_ms: np.ndarray) -> np.ndarray:
    """`printing` for a column of times (the few days they span looked up once each)."""
    keep = np.zeros(len(t_ms), dtype=bool)
    if not len(t_ms):
        return keep
    first, last = ny_date(int(t_ms.min())), ny_date(int(t_ms.max()))
    for session in hours.sessions(first, last):
        keep |= (t_ms >= session.ext_open_ms) & (t_ms < session.ext_close_ms)
    return keep
