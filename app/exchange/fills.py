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
    """The fill price, or None; may mark a stop_limit as triggered."""
    buy = order.side == "buy"
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
