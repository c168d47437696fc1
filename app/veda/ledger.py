"""A run's book of live orders: records each order before it is sent, then applies the broker's
snapshots of it. Fills are booked from the cumulative filled quantity (each new one at the price
and qty of its own execution, app/veda/executions.py), so applying the same snapshot twice (stream
and polling both saw it) changes nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, case, func, select, type_coerce

from app.veda.executions import Execution, price_tick
from app.veda.ports import BrokerOrder, Clock
from app.veda.positions import ZERO, Holding, apply_fill, cash_flow, qty_text
from app.veda.statuses import FINAL, weaver_status
from app.walle.models import Fill, Order, Position, Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
PRICE = Decimal("1e-12")  # prices are stored as NUMERIC(30,12)



@dataclass(frozen=True)
class Applied:
    changed: bool
    new_fill_qty: Decimal = ZERO


class Ledger:
    """`positions` (optional) are the run's Position rows already loaded by the caller, by symbol: a
    fill then updates them without reading them again; `on_fill` hears of each fill booked."""

    def __init__(self, uow: UnitOfWork, clock: Clock, positions: dict[str, Position] | None = None,
                 on_fill: Callable[[Fill], None] | None = None):
        self.uow = uow
        self.clock = clock
        self.positions = positions
        self.on_fill = on_fill
        self.applied: list[Order] = []  # every order a snapshot was applied to, bracket legs included
        self.executions: dict[str, list[Execution]] = {}  # broker order id → its executions known (executions.py)
        # Without `positions`: each (run, symbol)'s position as read or made, so an order booked in several
        # fills (its executions) makes one position row, not one per fill.
        self._found: dict[tuple[str, str], Position | None] = {}

    def record_intent(self, run: Run | Any, values: dict[str, Any]) -> Order:
        """The order as we are about to send it (status `submitted`), committed before the broker
        hears of it: a crash after the send is then found again by its client_order_id."""
        now = self.clock.now()
        order = Order(run_id=run.id, status="submitted", submitted_at=now,
                      history=[{"status": "submitted", "ts": now.isoformat()}], **values)
        # Not flushed here: the row has its id already (EagerId) and goes in with the unit of work's
        # next flush, so a bar of several runs inserts all its orders in one statement.
        self.uow.session.add(order)
        self._event(order, "order.submitted")
        return order

    def reject(self, order: Order, reason: str) -> None:
        self._set_status(order, "rejected", reason=reason)

    def mark_unknown(self, order: Order, reason: str) -> None:
        self._set_status(order, "unknown", reason=reason)

    def withdraw(self, order: Order, reason: str) -> None:
        """Cancel an order the broker never heard of (decided and withdrawn within one bar)."""
        self._set_status(order, "canceled", reason=reason)

    def apply(self, order: Order, snapshot: BrokerOrder) -> Applied:
        """Bring `order` to the broker's `snapshot`; book any new fill into fills and positions."""
        order.broker_order_id = order.broker_order_id or snapshot.id or None
        self.applied.append(order)
        filled_total = snapshot.filled_qty
        new_qty = filled_total - (order.filled_qty or ZERO)
        if new_qty > 0:
            self._book_fill(order, snapshot, filled_total, new_qty)
        status = weaver_status(snapshot.status)
        changed = new_qty > 0
        if status != order.status and not (order.status in FINAL and status != "filled"):
            self._set_status(order, status, at=snapshot.updated_at)
            changed = True
        for leg in snapshot.legs:
            changed = self.apply(self._leg(order, leg), leg).changed or changed
        return Applied(changed, max(new_qty, ZERO))

    def _leg(self, parent: Order, snapshot: BrokerOrder) -> Order:
        """A bracket exit the broker created with `parent`, recorded under the broker's own
        client_order_id: the stream, polling and reconciliation then find it like any other order,
        and its fill moves the run's position."""
        cid = snapshot.client_order_id
        leg = self.uow.records.order_by_client_id(cid)
        if leg is not None:
            return leg
        leg = Order(run_id=parent.run_id, parent_id=parent.id, client_order_id=cid,
                    broker_order_id=snapshot.id or None, symbol=parent.symbol,
                    side=snapshot.side or ("sell" if parent.side == "buy" else "buy"),
                    type=snapshot.type or "market", order_class=parent.order_class or "bracket",
                    time_in_force=snapshot.time_in_force or parent.time_in_force,
                    qty=snapshot.qty, limit_price=snapshot.limit_price,
                    stop_price=snapshot.stop_price, bar_ts=parent.bar_ts, status="submitted",
                    submitted_at=snapshot.submitted_at or parent.submitted_at,
                    history=[{"status": "submitted", "ts": self.clock.now().isoformat()}])
        self.uow.session.add(leg)
        self.uow.session.flush()
        self._event(leg, "order.submitted")
        return leg

    def _book_fill(self, order: Order, snapshot: BrokerOrder, filled_total: Decimal, qty: Decimal) -> None:
        """Book what `order` filled up to `filled_total`: one fill per execution the broker reported
        (`self.executions`, by broker order id), each at its own price and qty. What no execution
        covers is derived from the broker's (rounded) average, onto the price grid, and logged.

        `order.filled_avg_price` is then the exact VWAP of the order's booked fills (to 1e-12), not
        the broker's rounded figure: qty × price of its fills adds up to filled_qty × that average."""
        before = order.filled_qty or ZERO
        paid_before = self._paid(order) if before > 0 else ZERO
        ts = snapshot.filled_at or snapshot.updated_at or self.clock.now()
        parts = _segments(_chain(self.executions.get(snapshot.id or "", ()), before, filled_total), before,
                          filled_total, ts)
        gap, price = sum((p.qty for p in parts if p.price is None), ZERO), ZERO
        if gap > 0:  # no execution covers it: the change of the broker's average
            avg_total = snapshot.filled_avg_price or ZERO
            known_paid = sum((p.qty * p.price for p in parts if p.price is not None), ZERO)
            derived = (avg_total * filled_total - paid_before - known_paid) / gap
            tick = price_tick(order.symbol, derived)
            price = derived.quantize(tick) if tick is not None else derived.quantize(PRICE)
            if price != derived:
                log.warning("order %s: fill of %s priced %s from the broker's rounded average %s (no execution "
                            "reported; derived %s)", order.client_order_id, gap, price, avg_total, derived)
        paid = paid_before
        for part in parts:
            at = part.price if part.price is not None else price
            paid += part.qty * at
            self._book_one(order, part.qty, at, part.ts or ts, part.cum_qty)
        order.filled_qty, order.filled_at = filled_total, ts
        order.filled_avg_price = (paid / filled_total).quantize(PRICE)
        order.updated_at = self.clock.now()  # a fill is a change the strategy hears of (LiveGateway.take_events)

    def _paid(self, order: Order) -> Decimal:
        """What the order's booked fills cost, exactly (its stored average is rounded to 1e-12)."""
        rows = self.uow.session.execute(select(Fill.qty, Fill.price).where(Fill.order_id == order.id))
        return sum((qty * price for qty, price in rows), ZERO)

    def _book_one(self, order: Order, qty: Decimal, price: Decimal, ts: datetime, cum_qty: Decimal) -> None:
        fill = Fill(run_id=order.run_id, order_id=order.id, symbol=order.symbol, side=order.side, qty=qty, price=price,
                    fee=ZERO, fee_qty=ZERO, ts=ts, broker_fill_id=f"{order.broker_order_id}:{cum_qty}")
        self.uow.session.add(fill)
        position = self._position(order.run_id, order.symbol)
        before = Holding(position.qty, position.avg_price, position.realized_pl) if position else Holding()
        after = apply_fill(before, order.side, qty, price)
        if after.qty == 0:  # flat: what the symbol made is what its fills moved in cash, each settled to the cent
            after = Holding(ZERO, ZERO, self._cash_made(order.run_id, order.symbol))
        if position is None:
            position = Position(run_id=order.run_id, symbol=order.symbol, qty=after.qty, avg_price=after.avg_price,
                                realized_pl=after.realized_pl, mark_price=price)
            self.uow.session.add(position)
            if self.positions is not None:
                self.positions[order.symbol] = position
            else:
                self._found[(order.run_id, order.symbol)] = position
        else:
            position.qty, position.avg_price, position.realized_pl = after.qty, after.avg_price, after.realized_pl
            position.mark_price = price
        self.uow.outbox.emit("position.changed", {"run_id": order.run_id, "symbol": order.symbol,
                                                  "qty": qty_text(after.qty)}, run_id=order.run_id)
        if self.on_fill is not None:
            self.on_fill(fill)

    def _cash_made(self, run_id: str, symbol: str) -> Decimal:
        """The run's cash flows on `symbol`, this fill's included (the session holds it): a flat position's realised
        P&L to the cent. Averaged over unrounded prices it drifted from the cash (trial 35: -1,260.41 where the
        trades and the equity gave -1,260.39 after many fractional crypto fills)."""
        self.uow.session.flush()
        rows = self.uow.session.execute(select(Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.fee_qty).where(
            Fill.run_id == run_id, Fill.symbol == symbol))
        return sum((cash_flow(side, qty, price, fee or ZERO, fee_qty) for side, qty, price, fee, fee_qty in rows), ZERO)

    def _position(self, run_id: str, symbol: str) -> Position | None:
        if self.positions is not None:
            return self.positions.get(symbol)
        key = (run_id, symbol)
        if key not in self._found:  # (the session does not autoflush: a position made by this ledger is kept here)
            self._found[key] = self.uow.session.scalar(select(Position).where(Position.run_id == run_id,
                                                                              Position.symbol == symbol))
        return self._found[key]

    def _set_status(self, order: Order, status: str, *, reason: str | None = None,
                    at: datetime | None = None) -> None:
        now = self.clock.now()
        stamp = at or now
        order.status, order.updated_at = status, now
        if reason:
            order.reject_reason = reason[:1000]
        order.history = [*order.history, {"status": status, "ts": stamp.isoformat(),
                                          **({"reason": reason} if reason else {})}]
        self._event(order, f"order.{status}", reason)

    def _event(self, order: Order, kind: str, reason: str | None = None) -> None:
        payload = {"run_id": order.run_id, "order_id": order.id, "client_order_id": order.client_order_id,
                   "symbol": order.symbol, "status": order.status}
        if reason:
            payload["reason"] = reason[:500]
        self.uow.outbox.emit(kind, payload, run_id=order.run_id)


def _chain(executions: Iterable[Execution], before: Decimal, total: Decimal) -> list[Execution]:
    """The executions that take the order from `before` to `total` filled, each once, in order: those
    that start where the previous one ended (an execution already booked, or overlapping, is left out)."""
    chosen: list[Execution] = []
    at = before
    for execution in sorted({(e.cum_qty, e.qty): e for e in executions}.values(), key=lambda e: e.cum_qty):
        if execution.cum_qty > total or execution.cum_qty - execution.qty < at:
            continue
        chosen.append(execution)
        at = execution.cum_qty
    return chosen


def _segments(parts: list[Execution], before: Decimal, total: Decimal, ts: datetime) -> list[Gap | Execution]:
    """`parts` with what lies between them (and after the last, up to `total`) as gaps: unpriced."""
    found: list[Gap | Execution] = []
    at = before
    for part in parts:
        start = part.cum_qty - part.qty
        if start > at:
            found.append(Gap(start - at, None, start, part.ts or ts))
        found.append(part)
        at = part.cum_qty
    if at < total:
        found.append(Gap(total - at, None, total, ts))
    return found


@dataclass(frozen=True)
class Gap:
    """Filled qty no reported execution covers; priced from the broker's average."""

    qty: Decimal
    price: Decimal | None
    cum_qty: Decimal
    ts: datetime | None


CASH_FEE = case((Fill.fee_qty == 0, Fill.fee), else_=0)  # cash_fee in SQL
SETTLED = func.round(Fill.qty * Fill.price, 2)  # positions.settled in SQL (NUMERIC rounds half away from zero)


def run_cash(uow: UnitOfWork, run: Run | Any) -> Decimal:
    """Starting cash minus what the run's buys cost plus what its sells brought, less the fees paid in
    dollars (a coin fee came out of the position instead)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        # NUMERIC arithmetic in the database: exact, and one row back however many fills a long run has.
        # type_coerce: read the sum as plain NUMERIC, not through the Money column type's rounding.
        flow = uow.session.scalar(
            select(type_coerce(func.coalesce(func.sum(case((Fill.side == "sell", SETTLED), else_=-SETTLED) - CASH_FEE),
                                             0), Numeric(asdecimal=True)))
            .where(Fill.run_id == run.id))
        return run.cash + Decimal(flow)
    cash = run.cash  # summed in Python: exact decimals on SQLite too (it stores them as text)
    for side, qty, price, fee, fee_qty in uow.session.execute(
        select(Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.fee_qty).where(Fill.run_id == run.id)
    ):
        cash += cash_flow(side, qty, price, fee, fee_qty)
    return cash


def runs_cash(uow: UnitOfWork, runs: list[Any]) -> dict[str, Decimal]:
    """run_cash for several runs in one statement (a bar ticked for many runs at once)."""
    cash = {run.id: run.cash for run in runs}
    ids = list(cash)
    if uow.session.get_bind().dialect.name == "postgresql":
        flows = uow.session.execute(
            select(Fill.run_id, type_coerce(func.coalesce(func.sum(case((Fill.side == "sell", SETTLED),
                                                                         else_=-SETTLED) - CASH_FEE), 0),
                                            Numeric(asdecimal=True)))
            .where(Fill.run_id.in_(ids)).group_by(Fill.run_id))
        for run_id, flow in flows:
            cash[run_id] += Decimal(flow)
        return cash
    for run_id, side, qty, price, fee, fee_qty in uow.session.execute(
        select(Fill.run_id, Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.fee_qty).where(Fill.run_id.in_(ids))
    ):
        cash[run_id] += cash_flow(side, qty, price, fee, fee_qty)
    return cash
