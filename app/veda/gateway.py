"""LiveGateway: the OrderGateway port over the broker, for one run during one tick.

The strategy calls it exactly as it calls Greta's simulated broker. Each order is put on its
instrument's steps (the broker's asset list says which), recorded before it is sent (see Ledger)
with the prices actually used, sized at the last close when it asks for value or percent, checked
against the run's risk limits, and submitted with a deterministic client_order_id.

What the strategy asks about its own trading (positions with prices, orders, trades, fill and
status events) is read from the run's recorded rows, which the broker's snapshots and
trade_updates keep current: the same answers Greta's simulated broker gives in a backtest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.marvin.account import Event, Fill, OrderInfo, PositionDetail, Trade
from app.marvin.gateway import OpenOrder, OrderRequest, client_order_id
from app.marvin.instruments import Instrument, InstrumentError
from app.veda.alpaca import AlpacaBroker, BrokerError, BrokerRejected
from app.veda.ledger import PRICE, Ledger, run_cash
from app.veda.requests import on_instrument, refusal, size_order, to_alpaca
from app.veda.risk import Breach, RiskState, check_order
from app.veda.statuses import OPEN
from app.veda.trades import FillRow, fifo, open_trades
from app.walle.models import Fill as FillRecord
from app.walle.models import Order, Position, Run
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
ZERO = Decimal(0)
EVENT_STATUSES = frozenset({"partially_filled", "filled", "canceled", "expired", "rejected"})
NOT_FILLS = frozenset({"canceled", "expired", "rejected"})  # status changes that come without a fill
# Orders changed this long before the latest change already seen are looked at again each tick (and
# deduplicated): a change stamped a little out of order is still delivered, and never twice.
EVENT_SLACK = timedelta(seconds=60)


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
        self.instruments: dict[str, Instrument] = {}
        # Events (listen/take_events): None until listen(); what was delivered, and since when to look.
        self._events_since: datetime | None = None
        self._delivered_fills: set[str] | None = None
        self._delivered_orders: dict[str, tuple[str, Decimal]] = {}  # order id → (status, filled qty)

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

    def position_detail(self, symbol: str) -> PositionDetail:
        """Quantity and average entry price as booked from the broker's fills, marked at this bar's close."""
        with self.uow() as uow:
            row = uow.session.execute(select(Position.qty, Position.avg_price, Position.mark_price).where(
                Position.run_id == self.run_id, Position.symbol == symbol)).first()
        qty, avg, mark = row if row is not None else (ZERO, ZERO, None)
        mark = self.marks.get(symbol, mark if mark is not None else ZERO)
        return PositionDetail(qty, avg, mark) if qty else PositionDetail(ZERO, ZERO, mark)

    def order(self, order_id: str) -> OrderInfo:
        with self.uow() as uow:
            row = uow.session.get(Order, order_id)
            if row is None or row.run_id != self.run_id:
                raise KeyError(f"unknown order id {order_id!r}")
            parent = None
            if row.parent_id and row.status in ("submitted", "accepted"):
                parent = uow.session.scalar(select(Order.status).where(Order.id == row.parent_id))
            return order_info(row, parent_status=parent)

    def trades(self, closed: bool) -> list[Trade]:
        """Closed round trips or open lots, paired first in, first out from the run's fills."""
        with self.uow() as uow:
            rows = uow.session.execute(
                select(FillRecord.symbol, FillRecord.side, FillRecord.qty, FillRecord.price, FillRecord.fee,
                       FillRecord.ts).where(FillRecord.run_id == self.run_id).order_by(FillRecord.ts, FillRecord.id))
            done, books = fifo(FillRow(*row) for row in rows)
        if closed:
            return done
        marks = dict(self.marks)
        for symbol in books:
            if symbol not in marks:
                marks[symbol] = self.position_detail(symbol).mark
        return open_trades(books, marks)

    def listen(self) -> None:
        """From now on keep fills and order status changes for take_events. What happened before
        (a worker restarted mid-run) is taken as delivered: nothing is heard twice."""
        if self._delivered_fills is not None:
            return
        self._delivered_fills = set()
        with self.uow() as uow:
            self._events_since = uow.session.scalar(select(func.max(Order.updated_at))
                                                    .where(Order.run_id == self.run_id))
        self._collect(deliver=False)

    def listen_from(self, fills: set[str], orders: dict[str, tuple[str, Decimal]], since: datetime | None) -> None:
        """Listen on from where a replay stopped (app/veda/resume.py): what it delivered to the rebuilt
        strategy is not delivered again, what happened after it is."""
        self._delivered_fills, self._delivered_orders, self._events_since = set(fills), dict(orders), since

    def take_events(self) -> list[Event]:
        """The fills and order status changes recorded for this run since the previous call, in the
        order they happened: a fill, then its order (filled or partially filled); a cancel, an
        expiry or a rejection as the order alone. Two queries: changed orders, then their fills."""
        if self._delivered_fills is None:
            return []
        return self._collect(deliver=True)

    def _collect(self, deliver: bool) -> list[Event]:
        assert self._delivered_fills is not None
        delivered, seen = self._delivered_fills, self._delivered_orders
        with self.uow() as uow:
            query = select(Order).where(Order.run_id == self.run_id)
            if self._events_since is not None:
                query = query.where(Order.updated_at >= self._events_since - EVENT_SLACK)
            changed = [o for o in uow.session.scalars(query)
                       if o.status in EVENT_STATUSES and seen.get(o.id) != (o.status, o.filled_qty)]
            if not changed:
                return []
            filled = [o.id for o in changed if o.filled_qty and seen.get(o.id, ("", ZERO))[1] != o.filled_qty]
            fills: dict[str, list[FillRecord]] = {}
            if filled:
                for fill in uow.session.scalars(select(FillRecord).where(FillRecord.order_id.in_(filled))
                                                .order_by(FillRecord.ts, FillRecord.id)):
                    fills.setdefault(fill.order_id, []).append(fill)
            timed: list[tuple[datetime, int, int, Event]] = []
            for order in changed:
                cumulative, paid = ZERO, ZERO
                for fill in fills.get(order.id, ()):
                    cumulative += fill.qty
                    paid += fill.qty * fill.price
                    if fill.id in delivered:
                        continue
                    delivered.add(fill.id)
                    last = cumulative == order.filled_qty
                    status = "filled" if last and order.status == "filled" else "partially_filled"
                    average = order.filled_avg_price if last else (paid / cumulative).quantize(PRICE)
                    info = order_info(order, status=status, filled_qty=cumulative, filled_avg_price=average)
                    timed.append((fill.ts, 0, len(timed), ("fill", Fill(order.id, order.symbol, order.side, fill.qty,
                                                                        fill.price, fill.fee, fill.ts))))
                    timed.append((fill.ts, 0, len(timed), ("order", info)))
                if order.status in NOT_FILLS and seen.get(order.id, ("",))[0] != order.status:
                    # at the same instant, fills first: a bracket exit fills, then its sibling is canceled
                    timed.append((_status_time(order), 1, len(timed), ("order", order_info(order))))
                seen[order.id] = (order.status, order.filled_qty)
                if self._events_since is None or order.updated_at > self._events_since:
                    self._events_since = order.updated_at
        if not deliver:
            return []
        timed.sort(key=lambda event: event[:3])
        return [event for *_, event in timed]

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
        instrument = self._instrument(request.symbol)
        request = on_instrument(request, instrument)  # the prices actually sent, and recorded
        with self.uow() as uow:
            run = uow.runs.get(self.run_id)
            price = self.marks.get(request.symbol)
            position = self._position(uow, request.symbol)
            equity = self._equity(uow)
            step = instrument.qty_step(bool(run.options.get("fractional")))
            qty = size_order(request, price, equity, step) if price else ZERO
            if request.close_position:
                qty = min(qty, abs(position))
            order = Ledger(uow).record_intent(run, self._values(request, cid, qty))
            problem = refusal(request, qty, step) or self._refuse(uow, run, request, qty, price, position, equity)
            if problem:
                Ledger(uow).reject(order, problem)
                uow.commit()
                return order.id
            uow.commit()
            order_id = order.id
        self._send(order_id, to_alpaca(request, qty, cid))
        self.submitted += 1
        return order_id

    def _instrument(self, symbol: str) -> Instrument:
        """The symbol's instrument from the broker's asset list, once per run, and stored for other
        runs and for backtests. Without an answer from the broker: what was stored before, else a
        US equity (what Alpaca lists besides crypto, and the stricter of the two)."""
        known = self.instruments.get(symbol)
        if known is not None:
            return known
        try:
            listed = self.broker.instrument(symbol)
        except BrokerError as exc:
            log.warning("asset %s: broker unreachable (%s); using the stored instrument", symbol, exc.message)
            listed = None
        with self.uow() as uow:
            if listed is not None:
                uow.instruments.upsert(symbol, listed.asset_class, listed.price_increment, listed.qty_increment,
                                       "alpaca")
                uow.commit()
                known = listed
            else:
                row = uow.instruments.get(symbol)
                known = Instrument(symbol, "us_equity")
                if row is not None:
                    try:
                        known = Instrument(symbol, row.asset_class, row.price_increment, row.qty_increment)
                    except InstrumentError:
                        pass
        if listed is not None:
            self.instruments[symbol] = known
        return known

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


def order_info(order: Order, *, status: str | None = None, filled_qty: Decimal | None = None,
               filled_avg_price: Decimal | None = None, parent_status: str | None = None) -> OrderInfo:
    """An Order row as the strategy sees it, in Greta's words: an order working at the broker is
    `new`, a bracket exit waiting for its entry to fill is `held`."""
    status = status or order.status
    if status in ("submitted", "accepted"):
        status = "held" if order.parent_id and parent_status not in (None, "filled") else "new"
    return OrderInfo(order.id, order.symbol, order.side, order.type, status, order.qty,
                     order.filled_qty if filled_qty is None else filled_qty,
                     order.filled_avg_price if filled_avg_price is None else filled_avg_price,
                     order.limit_price, order.stop_price, order.reject_reason, order.parent_id)


def _status_time(order: Order) -> datetime:
    """When the order reached its current status: the broker's stamp kept in its history."""
    for entry in reversed(order.history or ()):
        if entry.get("status") == order.status:
            try:
                return datetime.fromisoformat(entry["ts"])
            except (KeyError, TypeError, ValueError):
                break
    return order.updated_at
