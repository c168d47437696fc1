"""The exact executions behind an order's fills, so each fill is booked at its own price and qty.

The broker's order snapshot only says the cumulative filled qty and a rounded average price (the
local exchange and Alpaca round it to 1e-4): a fill derived from the change of that average is off by
fractions of a cent (27 @ 190.08 then 24 @ 190.09 would book the second at 190.0899875). The exact
figures come from a trade update's `fill`/`partial_fill` event (its `price` and `qty`), or from the
account's FILL activities (one entry per execution, naming the order and its filled qty after it).
Those are read at most once a tick, and only when a polled fill needs them (`wants_exact`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from app.veda.alpaca import BrokerError
from app.veda.ports import Activity, Broker, BrokerOrder
from app.veda.wire import dec, ts_of

log = logging.getLogger(__name__)
ZERO = Decimal(0)
CENT = Decimal("0.01")
SUB_DOLLAR = Decimal("0.0001")
LOOK_BACK = timedelta(seconds=5)  # the read starts this long before the earliest order it is for
PAGE = 100
TRADE_UPDATE = "trade_update"  # the key under which the stream relay hands an event's execution on


@dataclass(frozen=True)
class Execution:
    """One execution of an order: `cum_qty` is the order's filled qty after it."""

    qty: Decimal
    price: Decimal
    cum_qty: Decimal
    ts: datetime | None = None


def price_tick(symbol: str, price: Decimal) -> Decimal | None:
    """The price grid a US stock trades on (cents from $1, else 1e-4); None for a pair (its own increment)."""
    if "/" in symbol:
        return None
    return CENT if price >= 1 else SUB_DOLLAR


def on_grid(symbol: str, price: Decimal) -> bool:
    tick = price_tick(symbol, price)
    return tick is None or price % tick == 0


def wants_exact(snapshot: BrokerOrder, booked_qty: Decimal) -> bool:
    """True when the fill `snapshot` brings cannot be told exactly from it: a part of the order (the
    average may mix several executions), or a whole fill whose average is off the price grid."""
    if snapshot.filled_qty <= booked_qty:
        return False
    if booked_qty > 0 or snapshot.status != "filled":
        return True
    return not on_grid(snapshot.symbol, snapshot.filled_avg_price or ZERO)


def of_activities(activities: list[Activity]) -> dict[str, list[Execution]]:
    """FILL activities as executions, by the broker's order id."""
    found: dict[str, list[Execution]] = {}
    for a in activities:
        if a.kind == "FILL" and a.order_id and a.qty and a.price is not None and a.cum_qty is not None:
            found.setdefault(str(a.order_id), []).append(Execution(a.qty, a.price, a.cum_qty, a.ts))
    return found


def read(broker: Broker, snapshots: list[BrokerOrder]) -> dict[str, list[Execution]] | None:
    """One request: the account's FILL activities since the earliest of `snapshots` was submitted
    (a page, oldest first). None when the broker did not answer: the fills are then derived."""
    times = [s.submitted_at for s in snapshots if s.submitted_at is not None]
    after = min(times) - LOOK_BACK if times else None
    try:
        return of_activities(broker.activities("FILL", after=after, page_size=PAGE))
    except BrokerError as exc:
        log.warning("FILL activities: broker unreachable (%s); fill prices derived from the average", exc.message)
        return None


def of_trade_update(order: dict[str, Any]) -> Execution | None:
    """The execution a relayed `fill`/`partial_fill` event brought (app/veda/stream.py), if any."""
    update = order.get(TRADE_UPDATE)
    if not isinstance(update, dict) or update.get("event") not in ("fill", "partial_fill"):
        return None
    qty, price, cum = dec(update.get("qty")), dec(update.get("price")), dec(order.get("filled_qty"))
    if not qty or price is None or cum is None:
        return None
    return Execution(qty, price, cum, ts_of(update.get("timestamp")))
