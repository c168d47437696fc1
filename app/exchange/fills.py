"""At what price, if any, an order executes against a stretch of the price path.

The stretch is (first, low, high) since the order was last checked; a single price (on submit, or
when a test pins the price) is the stretch (p, p, p). A price that gaps through an order's limit
fills at the gapped price (better for the order), a continuous cross fills at the limit or stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.exchange.numbers import cents
from app.exchange.orders import Order


@dataclass(frozen=True)
class Stretch:
    first: Decimal
    low: Decimal
    high: Decimal

    @classmethod
    def point(cls, price: Decimal) -> Stretch:
        return cls(price, price, price)


def execution_price(order: Order, stretch: Stretch, half_spread_bps: float) -> Decimal | None:
    """The fill price, or None; may mark a stop_limit as triggered and move a trailing stop."""
    buy = order.side == "buy"
    if order.type == "trailing_stop":
        return _trailing(order, stretch)
    if order.type == "market":
        spread = Decimal(str(half_spread_bps)) / Decimal(10_000)
        return cents(stretch.first * (1 + spread if buy else 1 - spread))
    if order.type in ("stop", "stop_limit") and not order.triggered:
        stop = order.stop_price
        assert stop is not None
        if not (stretch.high >= stop if buy else stretch.low <= stop):
            return None
        trigger = stretch.first if (stretch.first >= stop if buy else stretch.first <= stop) else stop
        if order.type == "stop":
            return trigger
        order.triggered = True
        stretch = Stretch.point(trigger)  # the limit part sees the market from the trigger on
    limit = order.limit_price
    assert limit is not None
    if buy:
        if stretch.first <= limit:
            return stretch.first
        return limit if stretch.low <= limit else None
    if stretch.first >= limit:
        return stretch.first
    return limit if stretch.high >= limit else None


def trail_stop(order: Order, hwm: Decimal) -> Decimal:
    """Where a trailing stop stands for a high-water mark: below it for a sell, above it for a buy."""
    sell = order.side == "sell"
    if order.trail_price is not None:
        distance = order.trail_price
    else:
        assert order.trail_percent is not None
        distance = hwm * order.trail_percent / 100
    return cents(hwm - distance if sell else hwm + distance)


def _trailing(order: Order, stretch: Stretch) -> Decimal | None:
    """A trailing stop fills like a stop at its current level; if the stretch does not reach it, the
    high-water mark follows the stretch's best price (and the stop with it). The stretch is checked
    against the stop before the mark moves, so a rise and a fall inside one check never trigger on
    the rise's own stop (stretches span one ticker pass, a few milliseconds of the price path)."""
    sell = order.side == "sell"
    stop = order.stop_price
    assert stop is not None and order.hwm is not None
    if stretch.low <= stop if sell else stretch.high >= stop:
        return stretch.first if (stretch.first <= stop if sell else stretch.first >= stop) else stop
    best = stretch.high if sell else stretch.low
    if best > order.hwm if sell else best < order.hwm:
        order.hwm = best
        order.stop_price = trail_stop(order, best)
    return None
