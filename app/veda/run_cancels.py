"""Cancel a paper or live run's open orders at the broker and book what became of each: a stop does it, and
so does a run the strategy's error stopped (trial 27: a run whose next() raised left its sell limit working at
the broker, and every way out of it was a 409), so a run that is not running has nothing left working."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import select

from app.veda.alpaca import BrokerError
from app.veda.closing import CONFIRM_POLLS, until_final
from app.veda.desk import Desk
from app.veda.ledger import Ledger
from app.veda.ports import Broker
from app.veda.statuses import OPEN
from app.walle.models import Order

log = logging.getLogger(__name__)


def open_orders(uow: Any, run_id: str) -> list[Order]:
    """The run's orders still open in its records, oldest first."""
    return list(uow.session.scalars(select(Order).where(Order.run_id == run_id, Order.status.in_(list(OPEN)))
                                    .order_by(Order.submitted_at, Order.client_order_id)))


def cancel_run_orders(desk: Desk, run_id: str, broker: Broker) -> list[str]:
    """Cancel the run's open orders at the broker and book what became of each; the client order ids of
    those its record now shows cancelled (an order that filled meanwhile is booked filled, not listed)."""
    with desk.uow() as uow:
        working = [(o.id, o.client_order_id, o.broker_order_id) for o in open_orders(uow, run_id)]
    for _, cid, broker_id in working:
        try:
            if broker_id:
                broker.cancel_order(broker_id)
        except BrokerError as exc:  # the stop goes on; the order is read below, and left open if it is
            log.error("run %s: could not cancel order %s: %s", run_id, cid, exc.message)
    # Alpaca's cancel is asynchronous ("pending_cancel" reads as open): asked again while open, so a close
    # sent next does not meet shares still reserved for a sell, or a buy still filling.
    final, _ = until_final(broker, [cid for _, cid, _ in working], time.sleep, CONFIRM_POLLS,
                           "see whether it was cancelled")
    cancelled: list[str] = []
    for order_id, cid, _ in working:
        with desk.uow() as uow:
            order = uow.session.get(Order, order_id)
            snapshot = final.get(cid)
            if snapshot is not None:
                Ledger(uow, desk.clock).apply(order, snapshot)
            if order.status == "canceled":
                cancelled.append(order.client_order_id)
            uow.commit()
    return cancelled


def cancel_after_error(desk: Desk, run_id: str, mode: str) -> None:
    """A run the strategy's (or its records') error stopped: its open orders cancelled, and the
    `run.orders_cancelled` event (`by: error`) says which were, and which the broker would not cancel.
    Never raises: the run is in error already, and the log says what could not be done."""
    broker = desk.brokers.get(mode)
    if broker is None:
        return
    try:
        with desk.uow() as uow:
            if not open_orders(uow, run_id):
                return
        cancelled = cancel_run_orders(desk, run_id, broker)
        with desk.uow() as uow:
            left_open = [o.client_order_id for o in open_orders(uow, run_id)]
            uow.outbox.emit("run.orders_cancelled", {"run_id": run_id, "cancel_orders": True, "by": "error",
                                                     "cancelled": cancelled, "left_open": left_open}, run_id=run_id)
            uow.commit()
    except Exception:
        log.exception("live run %s stopped with an error, and its open orders could not be cancelled", run_id)
