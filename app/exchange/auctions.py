"""Opening and closing auction orders (`opg`, `cls`): when they are accepted, and their one price.

Alpaca refuses `opg` from 09:28 and `cls` from 15:50 (ten minutes before an early close) until
19:00 New York time; before that they join the coming auction, after it the next session's. An
auction order rests as "accepted" until its auction, then fills in full at the session's opening
(or closing) price — a limit only if that price is at or better than its limit, else it is canceled.
"""

from __future__ import annotations

from decimal import Decimal

from app.exchange.errors import invalid
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.numbers import price_decimal
from app.exchange.orders import Order
from app.exchange.timefmt import ny_date, ny_time

OPG_CUTOFF_MS = 2 * 60_000  # before the open
CLS_CUTOFF_MS = 10 * 60_000  # before the close
REOPENS_AT = (19, 0)  # New York time: orders after this join the next session's auction


def auction_time(hours: MarketHours, tif: str, now_ms: int) -> int:
    """When an `opg`/`cls` order submitted now executes; a 422 inside Alpaca's refusal window."""
    if hours.mode == "always":
        raise invalid(f"{tif} orders need exchange sessions; this exchange trades around the clock (--hours always)")
    today = hours.session(ny_date(now_ms))
    if today is not None:
        start = today.open_ms - OPG_CUTOFF_MS if tif == "opg" else today.close_ms - CLS_CUTOFF_MS
        if start <= now_ms < ny_time(today.day, *REOPENS_AT):
            refused = "09:28" if tif == "opg" else "10 minutes before the close"
            raise invalid(f"{tif} orders are not accepted from {refused} until 19:00 ET")
    session = hours.current_or_next(now_ms)
    return session.open_ms if tif == "opg" else session.close_ms


def auction_price(market: Market, order: Order) -> Decimal:
    """The opening price (the first bar's open) or the closing price (the last bar's close)."""
    assert order.auction_ms is not None
    k = market.bar_index(order.auction_ms)
    if order.time_in_force == "opg":
        return price_decimal(float(market.bars(order.symbol, k, k + 1).o[0]))
    return price_decimal(float(market.bars(order.symbol, k - 1, k).c[0]))


def crosses(order: Order, price: Decimal) -> bool:
    """A market order always takes the auction price; a limit only at its limit or better."""
    if order.limit_price is None:
        return True
    return price <= order.limit_price if order.side == "buy" else price >= order.limit_price
