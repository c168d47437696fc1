"""LiveGateway: the OrderGateway port over the broker, for one run.

The strategy calls it exactly as it calls Greta's simulated broker. Each order is put on its
instrument's steps (the broker's asset list says which), recorded before it is sent (see Ledger)
with the prices actually used, sized at the last close when it asks for value or percent, checked
against the run's risk limits, and submitted with a deterministic client_order_id.

During a tick (app/veda/tick.py) the gateway works inside the tick's unit of work: orders are
recorded there and sent after it commits (`dispatch`), and the broker's answers are booked in the
tick's last unit of work (`settle`), so a tick costs the same few statements however the strategy
asks. Called outside a tick, each order is a small tick of its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.marvin.gateway import OrderRequest, client_order_id
from app.marvin.instruments import Instrument, InstrumentError
from app.marvin.orders import bracket_refusal, close_request, qty_unavailable, sent_time_in_force, shorting_disabled
from app.veda.alpaca import BrokerError, BrokerRejected
from app.veda.book import Book, RunFacts, load_book
from app.veda.closing import (
    REVERSAL_WAIT_SECONDS,
    Close,
    cancelled,
    confirm_cancels,
    confirm_fill,
    in_the_way,
    open_on_symbol,
)
from app.veda.crypto_fees import CryptoSale, account_holdings, holding
from app.veda.executions import Execution, wants_exact
from app.veda.ledger import Ledger
from app.veda.order_events import OrderEvents
from app.veda.ports import Broker, BrokerOrder, Clock
from app.veda.reads import RunReads
from app.veda.requests import on_instrument, refusal, size_order, to_alpaca
from app.veda.risk import Breach, RiskState, check_order
from app.veda.statuses import FINAL, OPEN, weaver_status
from app.walle.models import Order, Position
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
ZERO = Decimal(0)
NOT_KNOWN = "the broker has no order with this client_order_id"
BOOKED_KEPT = 2000  # orders whose booked state a gateway remembers (the stream echoes recent ones)


@dataclass(frozen=True)
class Answer:
    """What the broker said about one order after the tick's commit."""

    order_id: str
    snapshot: BrokerOrder | None = None
    rejected: str | None = None
    unknown: bool = False
    withdrawn: str | None = None  # not sent after all: why (a close that found nothing left to close)
    qty: Decimal | None = None  # the qty sent, when it is not the one recorded (a close sized after its cancels)


class LiveGateway(OrderEvents, RunReads):
    def __init__(self, uow: Callable[[], UnitOfWork], broker: Broker, run_id: str, clock: Clock):
        self.uow = uow
        self.broker = broker
        self.run_id = run_id
        self.clock = clock
        self.marks: dict[str, Decimal] = {}
        self.bar_ts: datetime | None = None
        self.day_start: datetime | None = None
        self.start_of_day_equity = ZERO
        self.halt: Breach | None = None
        self.submitted = 0
        self.instruments: dict[str, Instrument] = {}
        self.run: RunFacts | None = None  # the run's row as the tick read it (its options and cash)
        self.work: UnitOfWork | None = None  # the tick's unit of work while the strategy decides
        self.book: Book | None = None
        self.fresh = False  # no order of this bar can be on record yet: skip the lookup by client_order_id
        self.orders: dict[str, Order] = {}  # rows touched this tick, by id, to book the answers without a read
        self.to_send: list[tuple[str, Any]] = []
        self.to_cancel: list[tuple[str, str, str]] = []  # (order id, client_order_id, broker order id)
        self.to_check: list[tuple[str, str]] = []  # (order id, client_order_id) whose send is in doubt
        self.sales: dict[str, CryptoSale] = {}  # crypto sales from a long, sized to the account when sent
        self.closes: dict[str, Close] = {}  # closes by order id, sent after their cancels (app/veda/closing.py)
        self.pause: Callable[[float], None] = time.sleep  # between asks whether a close's cancels are done
        self.crypto_filled = False  # a crypto fill was booked: its fee is in the account's activities (fee_feed.py)
        self.open_ids: dict[str, str] | None = None  # the run's open orders (id → client_order_id); None: unknown
        self.booked: dict[str, tuple[str, Decimal]] = {}  # client_order_id → (status, filled qty) as booked
        self.rejected = False  # an order was rejected since the run was last marked (its count is read again)
        self.executions: dict[str, list[Execution]] = {}  # broker order id → executions read this tick
        # Events (listen/take_events): None until listen(); what was delivered, and since when to look.
        self._events_since: datetime | None = None
        self._delivered_fills: set[str] | None = None
        self._delivered_orders: dict[str, tuple[str, Decimal]] = {}

    def begin_tick(self, bar_ts: datetime, marks: dict[str, Decimal], day_start: datetime,
                   start_of_day_equity: Decimal) -> None:
        self.bar_ts, self.marks, self.day_start = bar_ts, marks, day_start
        self.start_of_day_equity = start_of_day_equity
        self.halt, self.submitted = None, 0

    @contextmanager
    def _work(self) -> Iterator[UnitOfWork]:
        if self.work is not None:
            yield self.work
        else:
            with self.uow() as uow:
                yield uow

    def _book(self, uow: UnitOfWork) -> Book:
        if self.book is None:
            self.book = load_book(uow, self._run(uow))
        return self.book

    def _run(self, uow: UnitOfWork) -> RunFacts:
        if self.run is None:
            row = uow.runs.get(self.run_id)
            assert row is not None
            self.run = RunFacts.of(row)
        return self.run

    def ledger(self, uow: UnitOfWork) -> Ledger:
        book = self._book(uow)
        ledger = Ledger(uow, self.clock, book.positions, book.add_fill)
        ledger.executions = self.executions
        return ledger

    # --- what the strategy reads ------------------------------------------------------------
    def position(self, symbol: str) -> Decimal:
        with self._work() as uow:
            return self._book(uow).qty(symbol) if self.work is not None else _position(uow, self.run_id, symbol)

    def cash(self) -> Decimal:
        with self._work() as uow:
            return self._book(uow).cash if self.work is not None else load_book(uow, self._run(uow)).cash

    def equity(self) -> Decimal:
        with self._work() as uow:
            book = self._book(uow) if self.work is not None else load_book(uow, self._run(uow))
            return book.equity(self.marks)

    # --- what the strategy does -------------------------------------------------------------
    def submit(self, request: OrderRequest) -> str:
        if self.work is None:
            return self._alone(lambda: self.submit(request))
        uow, cid = self.work, client_order_id(self.run_id, request)
        if not self.fresh:
            existing = uow.records.order_by_client_id(cid)
            if existing is not None:  # the same tick again (a retry or a restart): never a second order
                if existing.status == "submitted":
                    self.to_check.append((existing.id, cid))
                return existing.id
        instrument = self._instrument(uow, request.symbol)
        request = on_instrument(request, instrument)  # the prices actually sent, and recorded
        run, book = self._run(uow), self._book(uow)
        price, position, equity = self.marks.get(request.symbol), book.qty(request.symbol), book.equity(self.marks)
        bracket = request.take_profit is not None or request.stop_loss is not None
        fractional = bool(run.options.get("fractional")) and not instrument.is_crypto and instrument.qty_step(True) < 1
        step = instrument.qty_step(fractional and not bracket)  # a bracket is for whole shares
        sent = sent_time_in_force(request.time_in_force, request.qty, fractional and not bracket)
        if sent != request.time_in_force:
            request = replace(request, time_in_force=sent)
        qty = size_order(request, price, equity, step) if price else ZERO
        if request.close_position:
            qty = min(qty, abs(position))
        elif request.side == "sell" and not run.options.get("allow_short") and request.qty is None:
            qty = min(qty, max(self._after_this_bar(request.symbol, position), ZERO))  # what is held, as Greta sizes it
        ledger = self.ledger(uow)
        order = ledger.record_intent(run, self._values(request, cid, qty))
        self.orders[order.id] = order
        problem = ((bracket and fractional and bracket_refusal(qty)) or refusal(request, qty, step)
                   or self._refuse(uow, run, request, qty, price, position, equity))
        if problem:
            ledger.reject(order, problem)
            self.rejected = True
            return order.id
        if request.close_position:
            self._cancel_first(uow, order.id, request.symbol, position)
        if instrument.is_crypto and request.side == "sell" and 0 < qty <= position:
            self.sales[order.id] = CryptoSale(request.symbol, qty, position, step)
        self.to_send.append((order.id, to_alpaca(request, qty, cid)))
        return order.id

    def record_closes(self, request_ns: int, leg: str = "stop") -> tuple[list[str], list[str]]:
        """Stop and close (app/veda/flatten.py): one reduce-only market order per symbol the run holds,
        recorded and committed, queued for `dispatch`. No risk check: a close takes risk off. A symbol on
        which an order of the run is still working (a close sent before a redelivered command, a cancel the
        broker has not confirmed) gets none: it would sell twice. Returns the new closes' order ids and those
        working orders' ids."""
        order_ids: list[str] = []
        with self.uow() as uow:
            self.book = self.run = None
            run, book = self._run(uow), self._book(uow)
            fractional = bool(run.options.get("fractional"))
            working = dict(uow.session.execute(select(Order.symbol, Order.id).where(
                Order.run_id == self.run_id, Order.status.in_(list(OPEN)))).tuples().all())
            seq = 0
            for symbol, held in sorted(book.held().items()):
                if symbol in working:
                    continue
                seq += 1
                request = close_request(seq, request_ns, symbol, held)
                cid = client_order_id(self.run_id, request, leg=leg)  # "stop", or "close" after the stop
                while uow.records.order_by_client_id(cid) is not None:  # asked again within the second
                    seq += 1
                    request = close_request(seq, request_ns, symbol, held)
                    cid = client_order_id(self.run_id, request, leg=leg)
                instrument = self._instrument(uow, symbol)
                request = replace(request, time_in_force=sent_time_in_force("gtc", held, not instrument.is_crypto))
                values = {**self._values(request, cid, abs(held)), "bar_ts": None}  # decided on no bar: at the stop
                order = self.ledger(uow).record_intent(run, values)
                self.orders[order.id] = order
                if instrument.is_crypto and held > 0:  # the account may hold fewer coins (a fee taken in them)
                    self.sales[order.id] = CryptoSale(symbol, held, held, instrument.qty_step(fractional))
                self.to_send.append((order.id, to_alpaca(request, held.copy_abs(), cid)))
                order_ids.append(order.id)
            uow.commit()
        self.book = None
        return order_ids, [order_id for symbol, order_id in working.items() if symbol in book.held()]

    def cancel(self, order_id: str) -> None:
        if self.work is None:
            self._alone(lambda: self.cancel(order_id))
            return
        order = self.orders.get(order_id) or self.work.session.get(Order, order_id)
        if order is None or order.run_id != self.run_id or order.status not in OPEN:
            return
        unsent = [entry for entry in self.to_send if entry[0] == order_id]
        if unsent:  # decided and withdrawn within the same bar: the broker never hears of it
            self.to_send.remove(unsent[0])
            self.ledger(self.work).withdraw(order, "canceled before it was sent")
        elif order.broker_order_id and all(entry[0] != order_id for entry in self.to_cancel):
            self.to_cancel.append((order.id, order.client_order_id, order.broker_order_id))

    def _cancel_first(self, uow: UnitOfWork, close_id: str, symbol: str, held: Decimal) -> None:
        """A close cancels the run's open orders on its symbol before it is sent (app/veda/closing.py)."""
        working = [order for order in open_on_symbol(uow.session, self.run_id, symbol)
                   if in_the_way(order, held) and all(entry[0] != order.id for entry in self.to_send)]
        for order in working:
            self.cancel(order.id)
        self.closes[close_id] = Close(symbol, held, tuple(cancelled(order) for order in working))

    def _alone(self, act: Callable[[], Any]) -> Any:
        """A strategy call made outside a tick: record it, send it, book the answer."""
        with self.uow() as uow:
            self.work, self.book, self.fresh = uow, None, False
            try:
                result = act()
                uow.commit()
            finally:
                self.work = None
        self.settle_alone(self.dispatch())
        return result

    def _instrument(self, uow: UnitOfWork, symbol: str) -> Instrument:
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
        if listed is not None:
            uow.instruments.upsert(symbol, listed.asset_class, listed.price_increment, listed.qty_increment, "alpaca")
            self.instruments[symbol] = listed
            return listed
        row = uow.instruments.get(symbol)
        if row is not None:
            try:
                return Instrument(symbol, row.asset_class, row.price_increment, row.qty_increment)
            except InstrumentError:
                pass
        return Instrument(symbol, "us_equity")

    def _refuse(self, uow: UnitOfWork, run: RunFacts, request: OrderRequest, qty: Decimal, price: Decimal | None,
                position: Decimal, equity: Decimal) -> str | None:
        if price is None:
            return f"no price for {request.symbol} on this bar"
        if request.qty is not None and not request.close_position:  # the broker's own rule, as Greta applies it
            held = self._after_this_bar(request.symbol, position)
            if (held > 0) if request.side == "sell" else (held < 0):  # (only then: no query for the usual order)
                promised = self._promised(uow, request.symbol) if request.side == "sell" else ZERO
                unavailable = qty_unavailable(request.side, qty, held, promised, bool(run.options.get("allow_short")))
                if unavailable is not None:
                    return unavailable
        if request.side == "sell" and not request.close_position and not run.options.get("allow_short"):
            held = self._after_this_bar(request.symbol, position)  # a close decided before it has sold already
            if qty > max(held, ZERO) or held <= 0:  # the run's setting, as its backtest refuses it
                return shorting_disabled(qty, held)
        if qty <= 0:
            return "the order sizes to zero shares at the last close"
        limits = run.options.get("risk")
        orders_today = 1
        if limits and limits.get("max_orders_per_day") is not None:  # counted only when a limit asks
            uow.session.flush()  # this bar's orders so far, this one included (the session does not autoflush)
            orders_today = uow.session.scalar(select(func.count()).where(
                Order.run_id == self.run_id, Order.submitted_at >= self.day_start, Order.status != "rejected")) or 0
        breach = check_order(limits, request.side, qty, RiskState(position, price, orders_today - 1,  # minus this one
                                                                  equity, self.start_of_day_equity))
        if breach is None:
            return None
        uow.outbox.emit("risk.breached", {"run_id": self.run_id, "rule": breach.rule, "detail": breach.detail},
                        run_id=self.run_id)
        if breach.halt:
            self.halt = breach
        return f"risk limit {breach.rule}: {breach.detail}"

    def _after_this_bar(self, symbol: str, position: Decimal) -> Decimal:
        """The position once the market orders this bar decided before (not sent yet) have filled, as the
        backtest fills them one after the other at the next open (a limit or a stop rests: trial 27's
        stop-loss beside a take-profit limit read "selling 10 with 0 shares held" while 10 were)."""
        for _, sent in self.to_send:
            if sent.symbol == symbol and sent.qty is not None and _is_market(sent):
                position += Decimal(str(sent.qty)) if _side(sent) == "buy" else -Decimal(str(sent.qty))
        return position

    def cancelling(self) -> set[str]:
        return {entry[0] for entry in self.to_cancel}

    def _promised(self, uow: UnitOfWork, symbol: str) -> Decimal:
        """What the run's resting sells on `symbol` still sell (limits and stops working at the broker, and
        those decided earlier this bar): the shares the broker holds for them. A bracket's exits count once
        (its stop-loss leg is not counted), as at the broker (and Greta, `SimBroker._position_refusal`)."""
        promised = sum((Decimal(str(sent.qty)) for _, sent in self.to_send
                        if sent.symbol == symbol and sent.qty is not None and _side(sent) == "sell"
                        and not _is_market(sent)), ZERO)
        cancelling = self.cancelling()  # cancelled this bar: their cancels go to the broker before new orders
        for order in uow.session.scalars(select(Order).where(  # (sent: this bar's are counted above)
                Order.run_id == self.run_id, Order.symbol == symbol, Order.side == "sell", Order.type != "market",
                Order.status.in_(list(OPEN)), Order.broker_order_id.is_not(None))):
            if order.status not in OPEN or order.id in cancelling:  # (the session may hold a newer state than the row)
                continue
            if order.parent_id is not None:  # a bracket's exit: its take-profit, once its entry has filled
                parent = uow.session.get(Order, order.parent_id)  # (until then Alpaca holds the legs)
                if order.type != "limit" or parent is None or parent.status != "filled":
                    continue
            promised += (order.qty or ZERO) - (order.filled_qty or ZERO)
        return promised

    # --- after the decision is committed ----------------------------------------------------
    def dispatch(self) -> list[Answer]:
        """Tell the broker what the tick decided (no unit of work is open): cancels, then new orders,
        then the orders a crashed attempt may or may not have sent. Returns the broker's answers."""
        answers: list[Answer] = []
        cancels, sends, checks, sales, closes = self.to_cancel, self.to_send, self.to_check, self.sales, self.closes
        self.to_cancel, self.to_send, self.to_check, self.sales, self.closes = [], [], [], {}, {}
        confirmed: set[str] = set()  # cancelled orders whose state a close asked for already
        closing: dict[str, tuple[str, str, str]] = {}  # symbol → (order id, client id, side) of a close sent here
        for order_id, cid, broker_id in cancels:
            try:
                self.broker.cancel_order(broker_id)
                checks.append((order_id, cid))
            except BrokerError as exc:
                log.warning("order %s: cancel failed (%s)", order_id, exc.message)
        for order_id, request in sends:
            self.submitted += 1
            sized = None
            close = closes.get(order_id)
            if close is not None:
                qty = self._after_cancels(close, answers, confirmed)
                if qty <= 0:
                    answers.append(Answer(order_id, withdrawn=f"nothing left to close in {close.symbol} once "
                                                              "the run's orders on it were cancelled"))
                    continue
                if float(qty) != request.qty:
                    sized, request = qty, request.model_copy(update={"qty": float(qty)})
                    if order_id in sales:
                        sales[order_id] = replace(sales[order_id], qty=qty, run_holds=qty)
            reversed_close = closing.pop(request.symbol, None)
            if reversed_close is not None and reversed_close[2] == _side(request):
                waited = self._after_close(reversed_close, answers)
                if waited is not None:
                    answers.append(Answer(order_id, rejected=waited))
                    continue
            try:
                sale = sales.get(order_id)
                held = self._account_holds(sale.symbol) if sale is not None else None
                if sale is not None and held is not None:  # a buy's crypto fee not booked yet left fewer coins
                    qty = sale.on_account(held)
                    if qty <= 0:
                        answers.append(Answer(order_id, rejected=f"the account holds no {sale.symbol} to sell"))
                        continue
                    if qty != sale.qty:
                        request = request.model_copy(update={"qty": float(qty)})
                snapshot = self.broker.submit_order(request)
                answers.append(Answer(order_id, snapshot=snapshot, qty=sized))
                if close is not None and weaver_status(snapshot.status) in OPEN:
                    closing[request.symbol] = (order_id, snapshot.client_order_id, _side(request))
            except BrokerRejected as exc:
                answers.append(Answer(order_id, rejected=exc.message, qty=sized))
            except BrokerError as exc:  # no answer within the budget: the next tick's sync settles it
                log.warning("order %s: broker unreachable (%s); left for reconciliation", order_id, exc.message)
                if sized is not None:
                    answers.append(Answer(order_id, qty=sized))
        for order_id, cid in checks:
            if order_id not in confirmed:
                answers.extend(self.poll(order_id, cid))
        return answers

    def _after_cancels(self, close: Close, answers: list[Answer], confirmed: set[str]) -> Decimal:
        """Wait for the broker to confirm the close's cancels, add its word on each to `answers` (before
        the close's own, so a fill that raced the cancel is booked first); the qty the close is to send."""
        snapshots = confirm_cancels(self.broker, [c.client_order_id for c in close.cancels], self.pause)
        for cancel in close.cancels:
            snapshot = snapshots.get(cancel.client_order_id)
            if snapshot is not None:
                answers.append(Answer(cancel.order_id, snapshot=snapshot))
                confirmed.add(cancel.order_id)
        return close.qty_after(snapshots)

    def _after_close(self, close: tuple[str, str, str], answers: list[Answer]) -> str | None:
        """A reversal (close a long, then sell short; or the other way) goes as two orders, and Alpaca refuses
        the second while the first is working ("insufficient qty available"): an order may not cross
        through flat. So the close's fill is waited for, as a close waits for its cancels, and booked
        first. None when it is done; else why the reversing order is not sent (the backtest reverses in
        one bar: the drift report shows the difference)."""
        order_id, cid, side = close
        snapshot = confirm_fill(self.broker, cid, self.pause)
        if snapshot is not None:
            answers.append(Answer(order_id, snapshot=snapshot))
            if weaver_status(snapshot.status) not in OPEN:
                return None
        return (f"not sent: the {side} that closes the position ({cid}) had not filled after "
                f"{REVERSAL_WAIT_SECONDS:g} s, and the broker does not let an order cross through flat while it works")

    def _account_holds(self, symbol: str) -> Decimal | None:
        """The account's long qty in `symbol` as the broker states it; None when it does not answer (the
        sale then goes as decided, and the broker judges it)."""
        try:
            return holding(account_holdings(self.broker.positions()), symbol)
        except BrokerError as exc:
            log.warning("positions: broker unreachable (%s); %s sold as decided", exc.message, symbol)
            return None

    def poll_open(self, listed: dict[str, BrokerOrder] | None = None) -> list[Answer]:
        """The broker's word on each of the run's open orders: from `listed` (the account's open
        orders, app/veda/open_orders.py) when it holds the order, else asked for alone."""
        assert self.open_ids is not None
        answers: list[Answer] = []
        for order_id, cid in list(self.open_ids.items()):
            snapshot = listed.get(cid) if listed is not None else None
            answers.extend([Answer(order_id, snapshot=snapshot)] if snapshot is not None else self.poll(order_id, cid))
        return answers

    def poll(self, order_id: str, cid: str) -> list[Answer]:
        try:
            snapshot = self.broker.order_by_client_id(cid)
        except BrokerError as exc:
            log.warning("could not sync order %s: %s", order_id, exc.message)
            return []
        return [Answer(order_id, snapshot=snapshot) if snapshot is not None else Answer(order_id, unknown=True)]

    def settle(self, uow: UnitOfWork, answers: list[Answer]) -> None:
        """Book the broker's answers in `uow` (the tick's last unit of work)."""
        if self.book is not None:
            self.book.attach(uow)
        ledger = self.ledger(uow)
        for answer in answers:
            order = self.orders.get(answer.order_id)
            if order is not None:
                uow.session.add(order)
            else:
                order = uow.session.get(Order, answer.order_id)
            if order is None:
                continue
            if answer.qty is not None:
                order.qty = answer.qty
            if answer.withdrawn is not None:
                ledger.withdraw(order, answer.withdrawn)
            elif answer.rejected is not None:
                ledger.reject(order, answer.rejected)
                run = uow.runs.get(self.run_id)
                if run.status == "running":  # (a stopped run's error says why it stopped; its close says this)
                    run.error = f"order {order.client_order_id} rejected by the broker: {answer.rejected}"
            elif answer.unknown:
                ledger.mark_unknown(order, NOT_KNOWN)
            elif answer.snapshot is not None:
                if ledger.apply(order, answer.snapshot).new_fill_qty and "/" in order.symbol:
                    self.crypto_filled = True
            self.track(order)
        for touched in ledger.applied:  # bracket legs the broker created are open orders too
            self.track(touched)
        self.orders.clear()
        self.executions = {}

    def wants_exact(self, answers: list[Answer]) -> list[BrokerOrder]:
        """The answers' orders (bracket legs too) whose new fill their snapshot cannot price exactly
        (app/veda/executions.py): their executions are worth one read of the account's FILL activities."""
        snapshots = [leg for a in answers if a.snapshot is not None for leg in (a.snapshot, *a.snapshot.legs)]
        return [s for s in snapshots if wants_exact(s, self.booked.get(s.client_order_id, ("", ZERO))[1])]

    def fills_crypto(self, answers: list[Answer]) -> bool:
        """True when `answers` bring a crypto fill not booked yet (its fee is to be read after it)."""
        return any(a.snapshot is not None and "/" in a.snapshot.symbol
                   and a.snapshot.filled_qty > self.booked.get(a.snapshot.client_order_id, ("", ZERO))[1]
                   for a in answers)

    def settle_alone(self, answers: list[Answer]) -> None:
        if not answers:
            return
        with self.uow() as uow:
            self.book = None
            self.settle(uow, answers)
            uow.commit()
        self.book = None

    def track(self, order: Order) -> None:
        """Keep the run's open orders known between ticks (what the next tick polls), and each order's
        booked state (what a trade update must bring to be news)."""
        self.booked[order.client_order_id] = (order.status, order.filled_qty or ZERO)
        self.rejected = self.rejected or order.status == "rejected"
        if len(self.booked) > BOOKED_KEPT:
            del self.booked[next(iter(self.booked))]
        if self.open_ids is None:
            return
        if order.status in OPEN:
            self.open_ids[order.id] = order.client_order_id
        else:
            self.open_ids.pop(order.id, None)

    def knows(self, snapshot: BrokerOrder) -> bool:
        """True when `snapshot` says nothing this gateway has not booked already (no new fill, no new
        status, no bracket legs): the stream's echo of what a tick just booked needs no unit of work."""
        known = self.booked.get(snapshot.client_order_id)
        if known is None or snapshot.legs or snapshot.filled_qty > known[1]:
            return False
        return known[0] in FINAL or weaver_status(snapshot.status) == known[0]

    def load_open(self, uow: UnitOfWork) -> None:
        rows = uow.session.execute(select(Order.id, Order.client_order_id).where(
            Order.run_id == self.run_id, Order.status.in_(list(OPEN))))
        self.open_ids = dict(rows.tuples().all())

    def sync_open_orders(self) -> None:
        """Polling fallback for the trade_updates stream: bring every open order up to date."""
        with self.uow() as uow:
            self.load_open(uow)
        assert self.open_ids is not None
        self.settle_alone([a for order_id, cid in list(self.open_ids.items()) for a in self.poll(order_id, cid)])

    def _values(self, request: OrderRequest, cid: str, qty: Decimal) -> dict[str, Any]:
        return {
            "client_order_id": cid, "symbol": request.symbol, "side": request.side, "type": request.type,
            "order_class": request.order_class, "time_in_force": request.time_in_force, "qty": qty,
            "notional": request.notional, "percent": request.percent, "limit_price": request.limit_price,
            "stop_price": request.stop_price, "bar_ts": self.bar_ts,
        }


def _side(request: Any) -> str:
    """An alpaca-py request's side as text ("buy" | "sell")."""
    side = request.side
    return str(getattr(side, "value", side))


def _is_market(request: Any) -> bool:
    """Whether an alpaca-py request is a market order (it fills at once; a limit or a stop rests)."""
    kind = request.type
    return str(getattr(kind, "value", kind)) == "market"


def _position(uow: UnitOfWork, run_id: str, symbol: str) -> Decimal:
    qty = uow.session.scalar(select(Position.qty).where(Position.run_id == run_id, Position.symbol == symbol))
    return qty if qty is not None else ZERO
