"""LiveGateway: the OrderGateway port over the broker, for one run during one tick.

The strategy calls it exactly as it calls Greta's simulated broker. Each order is recorded before
it is sent (see Ledger), sized at the last close when it asks for value or percent, checked
against the run's risk limits, and submitted with a deterministic client_order_id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.marvin.gateway import OpenOrder, OrderRequest, client_order_id
from app.veda.alpaca import AlpacaBroker, BrokerError, BrokerRejected
from app.veda.ledger import Ledger, run_cash
from app.veda.requests import size_order, to_alpaca
from app.veda.risk import Breach, RiskState, check_order
from app.veda.statuses import OPEN
from app.walle.models import Order, Position, Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
ZERO = Decimal(0)


class LiveGateway:
    def __init__(self, uow: Callable[[], UnitOfWork], broker: AlpacaBroker, run_id: str):
        self.uow = uow
        self.broker = broker
        self.run_id = run_id
        self.marks: dict[str, Decimal] = {}
        self.bar_ts: datetime | None = None
        self.day_start: datetime | None = None
        self.start_of_day_equity = ZERO
        self.halt: Breach | None = None
        self.submitted = 0

    def begin_tick(self, bar_ts: datetime, marks: dict[str, Decimal], day_start: datetime,
                   start_of_day_equity: Decimal) -> None:
        self.bar_ts, self.marks, self.day_start = bar_ts, marks, day_start
        self.start_of_day_equity = start_of_day_equity
        self.halt, self.submitted = None, 0

    # --- what the strategy reads ------------------------------------------------------------
    def position(self, symbol: str) -> Decimal:
        with self.uow() as uow:
            return self._position(uow, symbol)

    def _position(self, uow: UnitOfWork, symbol: str) -> Decimal:
        qty = uow.session.scalar(select(Position.qty).where(Position.run_id == self.run_id,
                                                            Position.symbol == symbol))
        return qty if qty is not None else ZERO

    def cash(self) -> Decimal:
        with self.uow() as uow:
            return run_cash(uow, uow.runs.get(self.run_id))

    def equity(self) -> Decimal:
        with self.uow() as uow:
            return self._equity(uow)

    def _equity(self, uow: UnitOfWork) -> Decimal:
        cash = run_cash(uow, uow.runs.get(self.run_id))
        held = uow.session.execute(select(Position.symbol, Position.qty, Position.mark_price)
                                   .where(Position.run_id == self.run_id))
        return cash + sum((qty * self.marks.get(symbol, mark or ZERO) for symbol, qty, mark in held), ZERO)

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        with self.uow() as uow:
            query = select(Order).where(Order.run_id == self.run_id, Order.status.in_(list(OPEN)))
            if symbol:
                query = query.where(Order.symbol == symbol)
            return [OpenOrder(o.id, o.symbol, o.side, o.type, o.status, o.qty, o.notional, o.percent,
                              o.limit_price, o.stop_price, o.time_in_force, None, o.parent_id)
                    for o in uow.session.scalars(query)]

    # --- what the strategy does -------------------------------------------------------------
    def submit(self, request: OrderRequest) -> str:
        cid = client_order_id(self.run_id, request)
        with self.uow() as uow:
            existing = uow.records.order_by_client_id(cid)
            if existing is not None:  # the same tick again (a retry or a restart): never a second order
                known, in_doubt = existing.id, existing.status == "submitted"
            else:
                known = in_doubt = None
        if known is not None:
            if in_doubt:
                self._sync(known)
            return known
        with self.uow() as uow:
            run = uow.runs.get(self.run_id)
            price = self.marks.get(request.symbol)
            position = self._position(uow, request.symbol)
            equity = self._equity(uow)
            qty = size_order(request, price, equity, fractional=bool(run.options.get("fractional"))) if price else ZERO
            if request.close_position:
                qty = min(qty, abs(position))
            order = Ledger(uow).record_intent(run, self._values(request, cid, qty))
            problem = self._refuse(uow, run, request, qty, price, position, equity)
            if problem:
                Ledger(uow).reject(order, problem)
                uow.commit()
                return order.id
            uow.commit()
            order_id = order.id
        self._send(order_id, to_alpaca(request, qty, cid))
        self.submitted += 1
        return order_id

    def _refuse(self, uow: UnitOfWork, run: Run, request: OrderRequest, qty: Decimal, price: Decimal | None,
                position: Decimal, equity: Decimal) -> str | None:
        if price is None:
            return f"no price for {request.symbol} on this bar"
        if qty <= 0:
            return "the order sizes to zero shares at the last close"
        orders_today = uow.session.scalar(select(func.count()).where(
            Order.run_id == self.run_id, Order.submitted_at >= self.day_start, Order.status != "rejected")) or 0
        breach = check_order(run.options.get("risk"), request.side, qty,
                             RiskState(position, price, orders_today - 1,  # minus this one, just recorded
                                       equity, self.start_of_day_equity))
        if breach is None:
            return None
        uow.outbox.emit("risk.breached", {"run_id": self.run_id, "rule": breach.rule, "detail": breach.detail},
                        run_id=self.run_id)
        if breach.halt:
            self.halt = breach
        return f"risk limit {breach.rule}: {breach.detail}"

    def _send(self, order_id: str, alpaca_order: Any) -> None:
        try:
            snapshot = self.broker.submit_order(alpaca_order)
        except BrokerRejected as exc:
            with self.uow() as uow:
                order = uow.session.get(Order, order_id)
                Ledger(uow).reject(order, exc.message)
                run = uow.runs.get(self.run_id)
                run.error = f"order {order.client_order_id} rejected by the broker: {exc.message}"
                uow.commit()
            return
        except BrokerError as exc:  # no answer within the budget: the next tick's sync settles it
            log.warning("order %s: broker unreachable (%s); left for reconciliation", order_id, exc.message)
            return
        with self.uow() as uow:
            Ledger(uow).apply(uow.session.get(Order, order_id), snapshot)
            uow.commit()

    def _sync(self, order_id: str) -> None:
        with self.uow() as uow:
            order = uow.session.get(Order, order_id)
            snapshot = self.broker.order_by_client_id(order.client_order_id)
            if snapshot is None:
                Ledger(uow).mark_unknown(order, "the broker has no order with this client_order_id")
            else:
                Ledger(uow).apply(order, snapshot)
            uow.commit()

    def sync_open_orders(self) -> None:
        """Polling fallback for the trade_updates stream: bring every open order up to date."""
        with self.uow() as uow:
            ids = list(uow.session.scalars(select(Order.id).where(Order.run_id == self.run_id,
                                                                   Order.status.in_(list(OPEN)))))
        for order_id in ids:
            try:
                self._sync(order_id)
            except BrokerError as exc:
                log.warning("could not sync order %s: %s", order_id, exc.message)

    def cancel(self, order_id: str) -> None:
        with self.uow() as uow:
            order = uow.session.get(Order, order_id)
            if order is None or order.run_id != self.run_id or order.status not in OPEN or not order.broker_order_id:
                return
            broker_id = order.broker_order_id
        self.broker.cancel_order(broker_id)
        self._sync(order_id)

    def _values(self, request: OrderRequest, cid: str, qty: Decimal) -> dict[str, Any]:
        return {
            "client_order_id": cid, "symbol": request.symbol, "side": request.side, "type": request.type,
            "order_class": request.order_class, "time_in_force": request.time_in_force, "qty": qty,
            "notional": request.notional, "percent": request.percent, "limit_price": request.limit_price,
            "stop_price": request.stop_price, "bar_ts": self.bar_ts,
        }
