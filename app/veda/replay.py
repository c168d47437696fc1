"""ReplayGateway: the OrderGateway port over a live run's records, for rebuilding its strategy.

After a restart the strategy is rebuilt by running it again over the bars the run processed. This
gateway answers what it asks (position, cash, equity, orders, trades, fill and order events) from
the run's recorded orders and fills as they stood when each bar's tick ran, and sends nothing to
any broker. Each submit is matched to the recorded order with the same client_order_id; a submit
with no recorded twin, or one that differs from it, is a mismatch (so is a recorded order the
replay did not make, see `unmatched`): reported, never sent.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from app.marvin.account import Event, Fill, OrderInfo, PositionDetail, Trade
from app.marvin.gateway import OpenOrder, OrderRequest, client_order_id
from app.marvin.orders import sent_time_in_force
from app.veda.positions import Holding, apply_fill, cash_flow
from app.veda.statuses import OPEN
from app.veda.trades import PRICE, fifo, legs, open_trades

ZERO = Decimal(0)
EVENT_STATUSES = frozenset({"partially_filled", "filled", "canceled", "expired", "rejected"})
NOT_FILLS = frozenset({"canceled", "expired", "rejected"})
COMPARED = ("symbol", "side", "type", "time_in_force", "percent", "notional")


@dataclass(frozen=True)
class RecordedOrder:
    id: str
    client_order_id: str
    symbol: str
    side: str
    type: str
    time_in_force: str
    qty: Decimal | None
    notional: Decimal | None
    percent: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    reject_reason: str | None
    parent_id: str | None
    bar_ts: datetime | None
    submitted_at: datetime
    history: tuple[tuple[datetime, str], ...]  # (when, status), oldest first


@dataclass(frozen=True)
class RecordedFill:
    id: str
    order_id: str
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime
    fee_qty: Decimal = ZERO  # coins the fee took (a crypto buy's): the position got qty less these


@dataclass(frozen=True)
class Mismatch:
    client_order_id: str
    bar_ts: datetime | None
    kind: str  # unrecorded | differs | not_replayed
    detail: str


class ReplayGateway:
    def __init__(self, run_id: str, cash: Decimal, orders: Iterable[RecordedOrder], fills: Iterable[RecordedFill]):
        self.run_id, self.start_cash = run_id, cash
        self.orders = {o.id: o for o in orders}
        self.by_cid = {o.client_order_id: o for o in self.orders.values()}
        self.fills = sorted(fills, key=lambda f: (f.ts, f.id))
        self.cutoff: datetime | None = None
        self.bar_ts: datetime | None = None
        self.marks: dict[str, Decimal] = {}
        self.mismatches: list[Mismatch] = []
        self.made: set[str] = set()  # client_order_ids the replay submitted
        self.phantoms: dict[str, OrderInfo] = {}  # submits with no recorded twin: answered, never sent
        self.applied = 0  # fills before the cutoff
        self.listening = False
        self.delivered_fills: set[str] = set()
        self.seen: dict[str, tuple[str, Decimal]] = {}  # order id → (status, filled qty) delivered
        self.cancelling: set[str] = set()  # orders the strategy cancelled on this bar: gone from its open orders

    def begin_bar(self, bar_ts: datetime, cutoff: datetime, marks: dict[str, Decimal]) -> None:
        """Answer as the run's records stood at `cutoff`, when the tick of `bar_ts` began."""
        self.bar_ts, self.cutoff, self.marks = bar_ts, cutoff, marks
        self.applied = bisect_left([f.ts for f in self.fills], cutoff)
        self.cancelling = set()

    # --- what the strategy reads ------------------------------------------------------------
    def _fills(self) -> Sequence[RecordedFill]:
        return self.fills[: self.applied]

    def _holding(self, symbol: str) -> Holding:
        holding = Holding()
        for f in self._fills():
            if f.symbol == symbol:
                holding = apply_fill(holding, f.side, f.qty, f.price)
                if f.fee_qty:  # the fee came out of the coins, as the ledger books it (fee_booking.py)
                    qty = holding.qty - f.fee_qty
                    holding = Holding(qty, holding.avg_price if qty else ZERO, holding.realized_pl - f.fee)
        return holding

    def position(self, symbol: str) -> Decimal:
        return self._holding(symbol).qty

    def cash(self) -> Decimal:
        flow = sum((cash_flow(f.side, f.qty, f.price, f.fee, f.fee_qty) for f in self._fills()), ZERO)
        return self.start_cash + flow

    def equity(self) -> Decimal:
        held: dict[str, Decimal] = {}
        for f in self._fills():
            held[f.symbol] = held.get(f.symbol, ZERO) + (f.qty if f.side == "buy" else -f.qty) - f.fee_qty
        return self.cash() + sum((qty * self.marks.get(s, ZERO) for s, qty in held.items()), ZERO)

    def position_detail(self, symbol: str) -> PositionDetail:
        holding = self._holding(symbol)
        mark = self.marks.get(symbol, ZERO)
        return PositionDetail(holding.qty, holding.avg_price, mark) if holding.qty else PositionDetail(ZERO, ZERO, mark)

    def _visible(self, order: RecordedOrder) -> bool:
        assert self.cutoff is not None
        return order.submitted_at < self.cutoff or order.client_order_id in self.made

    def _filled(self, order_id: str) -> tuple[Decimal, Decimal | None]:
        qty, paid = ZERO, ZERO
        for f in self._fills():
            if f.order_id == order_id:
                qty, paid = qty + f.qty, paid + f.qty * f.price
        return qty, (paid / qty if qty else None)

    def _status(self, order: RecordedOrder) -> tuple[str, datetime | None]:
        assert self.cutoff is not None
        status, at = "submitted", None
        for when, name in order.history:
            if when < self.cutoff:
                status, at = name, when
        return status, at

    def _info(self, order: RecordedOrder, status: str | None = None, filled: Decimal | None = None,
              average: Decimal | None = None) -> OrderInfo:
        """As app.veda.gateway.order_info: a working order is `new`, a bracket exit waiting is `held`."""
        if status is None:
            status = self._status(order)[0]
            filled, average = self._filled(order.id)
        if status in ("submitted", "accepted"):
            parent = self.orders.get(order.parent_id or "")
            status = "held" if parent is not None and self._status(parent)[0] != "filled" else "new"
        reason = order.reject_reason if status == "rejected" else None
        return OrderInfo(order.id, order.symbol, order.side, order.type, status, order.qty, filled or ZERO, average,
                         order.limit_price, order.stop_price, reason, order.parent_id)

    def open_orders(self, symbol: str | None = None) -> list[OpenOrder]:
        return [OpenOrder(o.id, o.symbol, o.side, o.type, status, o.qty, o.notional, o.percent, o.limit_price,
                          o.stop_price, o.time_in_force, None, o.parent_id, self._filled(o.id)[0] or ZERO)
                for o in self.orders.values() if (symbol is None or o.symbol == symbol) and self._visible(o)
                and o.id not in self.cancelling for status in (self._status(o)[0],) if status in OPEN]

    def order(self, order_id: str) -> OrderInfo:
        if order_id in self.phantoms:
            return self.phantoms[order_id]
        order = self.orders.get(order_id)
        if order is None or not self._visible(order):
            raise KeyError(f"unknown order id {order_id!r}")
        return self._info(order)

    def trades(self, closed: bool) -> list[Trade]:
        """As the run read them then: each order's fills so far one leg (app/veda/reads.py)."""
        done, books = fifo(legs((f.symbol, f.side, f.qty, f.price, f.fee, f.ts, f.fee_qty, f.order_id)
                                for f in self._fills()))
        return done if closed else open_trades(books, self.marks)

    def listen(self) -> None:
        """From now on, deliver what happens after the current cutoff (what came before is taken as heard)."""
        if not self.listening:
            self.listening = True
            self._collect()

    def take_events(self) -> list[Event]:
        return self._collect() if self.listening else []

    def _collect(self) -> list[Event]:
        """The same events, in the same order, as LiveGateway.take_events gave at this bar's tick."""
        timed: list[tuple[datetime, int, int, Event]] = []
        cumulative: dict[str, tuple[Decimal, Decimal]] = {}
        for f in self._fills():
            qty, paid = cumulative.get(f.order_id, (ZERO, ZERO))
            qty, paid = qty + f.qty, paid + f.qty * f.price
            cumulative[f.order_id] = (qty, paid)
            if f.id in self.delivered_fills or f.order_id not in self.orders:
                continue
            self.delivered_fills.add(f.id)
            order = self.orders[f.order_id]
            status, _ = self._status(order)
            last = qty == self._filled(order.id)[0]
            average = (paid / qty).quantize(PRICE)
            info = self._info(order, "filled" if last and status == "filled" else "partially_filled", qty, average)
            timed.append((f.ts, 0, len(timed), ("fill", Fill(order.id, f.symbol, f.side, f.qty, f.price, f.fee, f.ts))))
            timed.append((f.ts, 0, len(timed), ("order", info)))
        for order in self.orders.values():
            status, at = self._status(order)
            if status not in EVENT_STATUSES:
                continue
            state = (status, cumulative.get(order.id, (ZERO, ZERO))[0])
            if status in NOT_FILLS and self.seen.get(order.id, ("",))[0] != status and at is not None:
                timed.append((at, 1, len(timed), ("order", self._info(order))))
            self.seen[order.id] = state
        timed.sort(key=lambda event: event[:3])
        return [event for *_, event in timed]

    # --- what the strategy does -------------------------------------------------------------
    def submit(self, request: OrderRequest) -> str:
        cid = client_order_id(self.run_id, request)
        recorded = self.by_cid.get(cid)
        if recorded is None:
            self._mismatch(cid, "unrecorded", f"the replay ordered {request.side} {request.symbol}, "
                                              "which the run never recorded")
            self.phantoms[cid] = OrderInfo(cid, request.symbol, request.side, request.type, "rejected", request.qty,
                                           ZERO, None, request.limit_price, request.stop_price,
                                           "replay mismatch: not sent", None)
            return cid
        self.made.add(cid)
        went_as = sent_time_in_force(request.time_in_force, request.qty, True)  # a fractional share GTC went as DAY
        differs = [f"{name} {getattr(request, name)} ≠ recorded {getattr(recorded, name)}" for name in COMPARED
                   if getattr(request, name) != getattr(recorded, name)
                   and not (name == "time_in_force" and went_as == recorded.time_in_force)]
        refused = bool(recorded.history) and recorded.history[-1][1] == "rejected"  # sized or refused differently
        if request.qty is not None and recorded.qty is not None and request.qty != recorded.qty and not refused:
            differs.append(f"qty {request.qty} ≠ recorded {recorded.qty}")
        if differs:
            self._mismatch(cid, "differs", "; ".join(differs))
        return recorded.id

    def cancel(self, order_id: str) -> None:
        """A cancel the run made is already in its records (the order's later status): nothing is sent. As the
        live gateway does (app/veda/reads.py), the order leaves the strategy's open orders at once (trial 36:
        without it, every restart of a re-quoting run replayed "recorded buy not made again" on each bar)."""
        self.cancelling.add(order_id)

    def _mismatch(self, cid: str, kind: str, detail: str) -> None:
        self.mismatches.append(Mismatch(cid, self.bar_ts, kind, detail))

    def unmatched(self, bars: Iterable[datetime]) -> list[Mismatch]:
        """Recorded orders of the replayed bars that the replay did not make (bracket legs aside: the
        broker made those)."""
        replayed = set(bars)
        return [Mismatch(o.client_order_id, o.bar_ts, "not_replayed", f"recorded {o.side} {o.symbol} not made again")
                for o in self.orders.values()
                if o.parent_id is None and o.bar_ts in replayed and o.client_order_id not in self.made]
