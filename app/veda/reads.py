"""What a live run's strategy reads of its own trading besides cash and position: its open orders,
an order, position details and round trips, from the run's recorded rows (as Greta answers them). Its
round trips are its orders paired (app/veda/trades.py `legs`): the trades its page and backtest show."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import Decimal

from sqlalchemy import select

from app.marvin.account import OrderInfo, PositionDetail, Trade
from app.marvin.gateway import OpenOrder
from app.veda.order_events import order_info
from app.veda.statuses import OPEN
from app.veda.trades import fifo, legs, open_trades
from app.walle.models import Fill as FillRecord
from app.walle.models import Order, Position
from app.walle.uow import UnitOfWork

ZERO = Decimal(0)


class RunReads:
    """Mixed into LiveGateway: it provides `run_id`, `marks` and `_work()`."""

    run_id: str
    marks: dict[str, Decimal]

    def _work(self) -> AbstractContextManager[UnitOfWork]:
        raise NotImplementedError

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        """Its working orders, less those it cancelled this bar: gone at once, as in Greta (trial 35: "cancel
        the old limit, place a new one" waited a bar live, the cancelled one still listed until the broker
        confirmed, so only 5 of 99 decisions matched the backtest's)."""
        cancelling = self.cancelling()
        with self._work() as uow:
            query = select(Order).where(Order.run_id == self.run_id, Order.status.in_(list(OPEN)))
            if symbol:
                query = query.where(Order.symbol == symbol)
            return [OpenOrder(o.id, o.symbol, o.side, o.type, o.status, o.qty, o.notional, o.percent,
                              o.limit_price, o.stop_price, o.time_in_force, None, o.parent_id, o.filled_qty or ZERO)
                    for o in uow.session.scalars(query) if o.id not in cancelling]

    def cancelling(self) -> set[str]:
        """The run's orders cancelled this bar, their cancel not sent yet (the gateway's)."""
        return set()

    def position_detail(self, symbol: str) -> PositionDetail:
        """Quantity and average entry price as booked from the broker's fills, marked at this bar's close."""
        with self._work() as uow:
            row = uow.session.execute(select(Position.qty, Position.avg_price, Position.mark_price).where(
                Position.run_id == self.run_id, Position.symbol == symbol)).first()
        qty, avg, mark = row if row is not None else (ZERO, ZERO, None)
        mark = self.marks.get(symbol, mark if mark is not None else ZERO)
        return PositionDetail(qty, avg, mark) if qty else PositionDetail(ZERO, ZERO, mark)

    def order(self, order_id: str) -> OrderInfo:
        with self._work() as uow:
            row = uow.session.get(Order, order_id)
            if row is None or row.run_id != self.run_id:
                raise KeyError(f"unknown order id {order_id!r}")
            parent = None
            if row.parent_id and row.status in ("submitted", "accepted"):
                parent = uow.session.scalar(select(Order.status).where(Order.id == row.parent_id))
            return order_info(row, parent_status=parent)

    def trades(self, closed: bool) -> list[Trade]:
        """Closed round trips or open lots, each order's fills one leg, paired first in, first out."""
        with self._work() as uow:
            rows = uow.session.execute(
                select(FillRecord.symbol, FillRecord.side, FillRecord.qty, FillRecord.price, FillRecord.fee,
                       FillRecord.ts, FillRecord.fee_qty, FillRecord.order_id)
                .where(FillRecord.run_id == self.run_id).order_by(FillRecord.ts, FillRecord.id))
            done, books = fifo(legs(rows))
        if closed:
            return done
        marks = dict(self.marks)
        for symbol in books:
            if symbol not in marks:
                marks[symbol] = self.position_detail(symbol).mark
        return open_trades(books, marks)
