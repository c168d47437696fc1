"""Crypto fees booked from the broker's CFEE activities, on the fill each came with.

Alpaca takes a crypto buy's fee in the coin (the position gets qty − fee) and a sale's in dollars
(proceeds − fee), and says so only in its activity feed: one CFEE per fee, posted right after the
FILL it belongs to, naming the pair but no order. So a CFEE is paired with the FILL of its pair just
before it (that FILL names the broker's order and the order's filled qty after it; a CFEE after
anything else is not matched, and logged), and booked on the run's fill that covers that qty:

- a coin fee (`qty` negative) comes off the run's position; the fill's `fee_qty` holds the coins and
  its `fee` their value at the fill price (cents, half up), which the run's realized P&L loses but its
  cash does not (app/veda/ledger.py `run_cash`);
- a dollar fee (`net_amount` negative) is the fill's `fee`: out of the run's cash and realized P&L.

Each fee belongs to its order's run, so runs sharing an account each book their own. A CFEE is
booked once (`crypto_fees` keeps its id); one whose order is Weaver's but whose fill is not booked
yet waits for a later read, and the read stops before its FILL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.veda.ports import Activity
from app.veda.positions import qty_text
from app.walle.models import CryptoFee, Fill, Order, Position
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeNotice:
    """A CFEE with the FILL it followed: which order, at what filled qty, and what it took."""

    id: str
    at: int  # index of its FILL in the read
    broker_order_id: str
    cum_qty: Decimal
    coin: Decimal  # coins taken (positive), a buy's fee
    usd: Decimal  # dollars taken (positive), a sale's fee
    price: Decimal | None


@dataclass
class FeeRead:
    """What booking a read of the feed did: each run's dollar fees (its cash went down by them), and
    the id the next read starts after (None: no further than before)."""

    cash: dict[str, Decimal] = field(default_factory=dict)
    booked: int = 0
    cursor: str | None = None
    waiting: bool = False  # a fee of a fill not booked yet: read again


def pair(activities: Sequence[Activity]) -> list[FeeNotice]:
    """Each CFEE of the read with the FILL just before it, when that FILL is of the same pair (and, for
    a coin fee, at its price). A CFEE first in the read is left (its FILL, and so its fee, was read
    before); one after anything else is not matched, and said so (a fee posted apart from its fill)."""
    notices: list[FeeNotice] = []
    for index, activity in enumerate(activities):
        if activity.kind != "CFEE" or index == 0:
            continue
        fill = activities[index - 1]
        coin, usd = max(-(activity.qty or ZERO), ZERO), max(-(activity.net_amount or ZERO), ZERO)
        if coin:
            usd = ZERO  # a fee is coins or dollars, never both (app/veda/ledger.py `cash_fee`)
        matches = (fill.kind == "FILL" and fill.symbol.replace("/", "") == activity.symbol.replace("/", "")
                   and fill.order_id and fill.cum_qty is not None
                   and (not coin or activity.price is None or activity.price == fill.price))
        if not matches:
            log.warning("crypto fee %s (%s): no fill of its pair just before it; not booked", activity.id,
                        activity.symbol)
        elif coin or usd:
            notices.append(FeeNotice(activity.id, index - 1, str(fill.order_id), fill.cum_qty,  # type: ignore[arg-type]
                                     coin, usd, activity.price))
    return notices


def settled_through(activities: Sequence[Activity], stop: int | None) -> str | None:
    """The id of the last entry a read is done with: everything before `stop` (a FILL whose fee waits),
    short of a trailing crypto FILL whose CFEE may not be posted yet."""
    end = len(activities) if stop is None else stop
    while end > 0 and activities[end - 1].kind == "FILL" and "/" in activities[end - 1].symbol:
        end -= 1
    return activities[end - 1].id if end > 0 else None


def book_fees(uow: UnitOfWork, mode: str, activities: Sequence[Activity]) -> FeeRead:
    """Book the read's CFEEs on Weaver's fills (runs of any mode's account: the broker ids are the
    account's). Flushes first: the tick's new fills are found by query."""
    read = FeeRead()
    notices = pair(activities)
    stop: int | None = None
    if notices:
        uow.session.flush()
        known = set(uow.session.scalars(select(CryptoFee.id).where(CryptoFee.id.in_([n.id for n in notices]))))
        orders = {o.broker_order_id: o for o in uow.session.scalars(
            select(Order).where(Order.broker_order_id.in_({n.broker_order_id for n in notices})))}
        fills: dict[str, list[Fill]] = {}
        if orders:
            for fill in uow.session.scalars(select(Fill).where(Fill.order_id.in_([o.id for o in orders.values()]))
                                            .order_by(Fill.ts, Fill.id)):
                fills.setdefault(fill.order_id, []).append(fill)
        for notice in notices:
            order = orders.get(notice.broker_order_id)
            if notice.id in known or order is None:  # booked before, or not an order of Weaver's
                continue
            fill = covering(fills.get(order.id, []), notice.cum_qty)
            if fill is None:  # the run has not booked that fill yet
                stop, read.waiting = notice.at, True
                break
            _book(uow, mode, order, fill, notice, read)
    read.cursor = settled_through(activities, stop)
    return read


def covering(fills: list[Fill], cum_qty: Decimal) -> Fill | None:
    """The run's fill (of one order, oldest first) whose share of the order reaches `cum_qty`: the
    ledger names each fill `<broker order id>:<order's filled qty after it>`; else they add up in turn."""
    total, reached = ZERO, []
    for fill in fills:
        total += fill.qty
        reached.append((_filled_after(fill) or total, fill))
    reached.sort(key=lambda entry: entry[0])
    return next((fill for after, fill in reached if after >= cum_qty), None)


def _filled_after(fill: Fill) -> Decimal | None:
    try:
        return Decimal((fill.broker_fill_id or "").rsplit(":", 1)[1])
    except (IndexError, ArithmeticError):
        return None


def _book(uow: UnitOfWork, mode: str, order: Order, fill: Fill, notice: FeeNotice, read: FeeRead) -> None:
    value = (notice.coin * (notice.price or fill.price)).quantize(CENT, rounding=ROUND_HALF_UP)
    fill.fee_qty = (fill.fee_qty or ZERO) + notice.coin
    fill.fee = (fill.fee or ZERO) + value + notice.usd
    uow.session.add(CryptoFee(id=notice.id, run_id=order.run_id, fill_id=fill.id, mode=mode, coin=notice.coin,
                              usd=notice.usd, price=notice.price))
    position = uow.session.scalar(select(Position).where(Position.run_id == order.run_id,
                                                         Position.symbol == order.symbol))
    if position is not None:
        position.qty -= notice.coin
        position.realized_pl -= value + notice.usd
        if position.qty == 0:
            position.avg_price = ZERO
        uow.outbox.emit("position.changed", {"run_id": order.run_id, "symbol": order.symbol,
                                             "qty": qty_text(position.qty)}, run_id=order.run_id)
    if notice.usd:
        read.cash[order.run_id] = read.cash.get(order.run_id, ZERO) + notice.usd
    read.booked += 1
