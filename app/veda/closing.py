"""A live close means flat, as in a backtest.

Greta fills an order whole, so its close never meets an order of the run still filling. Live, a buy
may still be filling when the strategy closes (Alpaca and the local exchange fill in parts): sold at
the qty held when the strategy decided, the buy's remainder kept filling after the close, the run held
shares after "closing", and its later sells met "insufficient qty available" (an open sell reserves
its qty). So a close first cancels the run's own open orders on the symbol that are in its way
(`in_the_way`; found by the run's order records, never another run's orders on the same account),
waits until the broker confirms each cancel (Alpaca's is asynchronous), and then sends what the run
holds after them: a fill that raced the cancel is counted in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.veda.alpaca import BrokerError
from app.veda.ports import Broker, BrokerOrder
from app.veda.statuses import OPEN, weaver_status
from app.walle.models import Order

log = logging.getLogger(__name__)
ZERO = Decimal(0)
CONFIRM_POLLS = 6  # asks for a cancelled order's state before the close is sent anyway
CONFIRM_WAIT = 0.05  # seconds between them (a one-second bar's tick has the second for everything)
REVERSAL_POLLS = 8  # asks for a close's fill before the order reversing through it is given up
REVERSAL_WAIT_SECONDS = round((REVERSAL_POLLS - 1) * CONFIRM_WAIT, 2)


@dataclass(frozen=True)
class Cancelled:
    """One of the run's open orders on the symbol, cancelled by the close."""

    order_id: str
    client_order_id: str
    broker_order_id: str
    side: str
    filled_qty: Decimal  # as booked when the close was decided


@dataclass(frozen=True)
class Close:
    """A close waiting to be sent: what the run held when it decided, and the orders it cancels first."""

    symbol: str
    held: Decimal  # signed
    cancels: tuple[Cancelled, ...]

    def qty_after(self, snapshots: dict[str, BrokerOrder]) -> Decimal:
        """The close's qty once the cancels are confirmed: the run's holding then (the fills the cancelled
        orders made since the decision counted in); 0 when that leaves nothing to close on this side."""
        held = self.held
        for cancel in self.cancels:
            snapshot = snapshots.get(cancel.client_order_id)
            if snapshot is not None:
                more = snapshot.filled_qty - cancel.filled_qty
                held += more if cancel.side == "buy" else -more
        return abs(held) if held and (held > 0) == (self.held > 0) else ZERO


def open_on_symbol(session: Session, run_id: str, symbol: str) -> list[Order]:
    """The run's open orders on `symbol` that the broker has heard of (an order of this same bar is not
    sent yet, and goes after the close)."""
    rows = session.scalars(select(Order).where(Order.run_id == run_id, Order.symbol == symbol,
                                               Order.status.in_(list(OPEN)), Order.broker_order_id.is_not(None)))
    return [order for order in rows if order.status in OPEN]  # the session may hold a newer state than the row


def in_the_way(order: Order, held: Decimal) -> bool:
    """Whether a close cancels this open order. Greta fills a market order whole by the next bar, so one
    still working (or any order filled in part) is what a backtest would have filled already: cancelled.
    An order on the close's own side reserves the shares the close sells: cancelled. An untouched limit
    or stop that would add to the position stays working, as it does in Greta."""
    adds = (order.side == "buy") == (held > 0)
    return not adds or order.type == "market" or (order.filled_qty or ZERO) > 0


def cancelled(order: Order) -> Cancelled:
    return Cancelled(order.id, order.client_order_id, order.broker_order_id or "", order.side,
                     order.filled_qty or ZERO)


def confirm_cancels(broker: Broker, cids: list[str], pause: Callable[[float], None] = time.sleep
                    ) -> dict[str, BrokerOrder]:
    """The broker's word on each cancelled order (by client_order_id), asked again while a cancel is
    still pending, up to CONFIRM_POLLS times; an order it cannot answer for is left out (the close then
    goes at the holding without its fills since the decision, and the next tick books them)."""
    found, waiting = until_final(broker, cids, pause, CONFIRM_POLLS, "confirm its cancel")
    if waiting:
        log.warning("cancels of %s not confirmed by the broker; closing at the holding known", ", ".join(waiting))
    return found


def confirm_fill(broker: Broker, cid: str, pause: Callable[[float], None] = time.sleep) -> BrokerOrder | None:
    """The broker's word on a close just sent (by client_order_id), asked again while it is still working,
    up to REVERSAL_POLLS times: its last state, or None when the broker could not say."""
    return until_final(broker, [cid], pause, REVERSAL_POLLS, "see whether it filled")[0].get(cid)


def until_final(broker: Broker, cids: list[str], pause: Callable[[float], None], polls: int, doing: str
                ) -> tuple[dict[str, BrokerOrder], list[str]]:
    """Each order's last state as the broker gives it (by client_order_id), asked again, CONFIRM_WAIT apart,
    while it is still open, up to `polls` times; and the ones still open at the end. An order the broker
    has no word on is left out."""
    found: dict[str, BrokerOrder] = {}
    waiting = list(cids)
    for attempt in range(polls):
        if attempt:
            pause(CONFIRM_WAIT)
        still: list[str] = []
        for cid in waiting:
            try:
                snapshot = broker.order_by_client_id(cid)
            except BrokerError as exc:
                log.warning("order %s: could not %s (%s)", cid, doing, exc.message)
                continue
            if snapshot is None:
                continue
            found[cid] = snapshot
            if weaver_status(snapshot.status) in OPEN:  # pending_cancel, still working, or not seen yet
                still.append(cid)
        if not still:
            return found, []
        waiting = still
    return found, waiting
