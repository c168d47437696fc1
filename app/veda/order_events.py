"""What a live run's strategy hears of its own trading: fills and order status changes, read from
the run's recorded rows (the broker's snapshots and trade_updates keep them current), in the words
and order Greta's simulated broker uses in a backtest."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.marvin.account import Event, Fill, OrderInfo
from app.veda.ledger import PRICE
from app.walle.models import Fill as FillRecord
from app.walle.models import Order
from app.walle.uow import UnitOfWork

ZERO = Decimal(0)
EVENT_STATUSES = frozenset({"partially_filled", "filled", "canceled", "expired", "rejected"})
NOT_FILLS = frozenset({"canceled", "expired", "rejected"})  # status changes that come without a fill
# Orders changed this long before the latest change already seen are looked at again each tick (and
# deduplicated): a change stamped a little out of order is still delivered, and never twice.
EVENT_SLACK = timedelta(seconds=60)


class OrderEvents:
    """Mixed into LiveGateway: it provides `run_id` and `_work()` (the tick's unit of work, or a new one)."""

    run_id: str
    _events_since: datetime | None
    _delivered_fills: set[str] | None
    _delivered_orders: dict[str, tuple[str, Decimal]]

    def _work(self) -> AbstractContextManager[UnitOfWork]:
        raise NotImplementedError

    def listen(self) -> None:
        """From now on keep fills and order status changes for take_events. What happened before
        (a worker restarted mid-run) is taken as delivered: nothing is heard twice."""
        if self._delivered_fills is not None:
            return
        self._delivered_fills = set()
        with self._work() as uow:
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
        with self._work() as uow:
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
                    timed.append((status_time(order), 1, len(timed), ("order", order_info(order))))
                seen[order.id] = (order.status, order.filled_qty)
                if self._events_since is None or order.updated_at > self._events_since:
                    self._events_since = order.updated_at
        if not deliver:
            return []
        timed.sort(key=lambda event: event[:3])
        return [event for *_, event in timed]


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


def status_time(order: Order) -> datetime:
    """When the order reached its current status: the broker's stamp kept in its history."""
    for entry in reversed(order.history or ()):
        if entry.get("status") == order.status:
            try:
                return datetime.fromisoformat(entry["ts"])
            except (KeyError, TypeError, ValueError):
                break
    return order.updated_at
