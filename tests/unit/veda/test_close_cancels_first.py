"""A live close means flat, as in a backtest: the run's own orders on the symbol still working (a buy
filling in parts) are cancelled first, and the close sends what the run holds once the broker has
confirmed the cancels, a fill that raced the cancel included. Other runs' orders are left alone."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.walle.models import Order, OutboxEvent, Position
from tests.unit.veda.conftest import Desk

D = Decimal
STRATEGY = "tests.fixtures.strategies:BuyThenClose"


def _orders(desk: Desk, run_id: str) -> list[Order]:
    with desk.db.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                           Order.client_order_id)))


def _held(desk: Desk, run_id: str) -> Decimal:
    with desk.db.read_session() as session:
        qty = session.scalar(select(Position.qty).where(Position.run_id == run_id, Position.symbol == "ZZZ"))
        return qty if qty is not None else D(0)


def _events(desk: Desk, run_id: str) -> list[tuple[str, str]]:
    with desk.db.read_session() as session:
        rows = session.scalars(select(OutboxEvent).where(OutboxEvent.run_id == run_id).order_by(OutboxEvent.seq))
        return [(e.type, e.payload.get("client_order_id", "")) for e in rows if e.type.startswith("order.")]


def _buy_filled_in_part(desk: Desk, run_id: str, qty: str) -> Order:
    desk.broker.auto_fill = False  # the buy rests at the broker, as a slow fill would leave it
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (buy,) = _orders(desk, run_id)
    desk.broker.fill(buy.client_order_id, qty, "100.00")
    desk.broker.auto_fill = True  # the close's market sell fills at once
    return buy


def test_a_close_cancels_the_buy_still_filling_and_sells_exactly_what_is_held(desk: Desk) -> None:
    run_id = desk.start(STRATEGY)
    buy = _buy_filled_in_part(desk, run_id, "4")
    assert desk.tick(run_id, 1) == "done: 1 order(s)"

    buy_after, sell = _orders(desk, run_id)
    assert (buy_after.status, buy_after.filled_qty, buy_after.qty) == ("canceled", D(4), D(10))
    assert desk.broker.orders[buy.client_order_id].status == "canceled"
    assert (sell.side, sell.status, sell.qty, sell.filled_qty) == ("sell", "filled", D(4), D(4))
    assert desk.broker.requests[-1].qty == 4.0
    assert _held(desk, run_id) == D(0)
    assert not [o for o in _orders(desk, run_id) if o.status == "rejected"]
    assert ("order.canceled", buy.client_order_id) in _events(desk, run_id)
    assert desk.tick(run_id, 2) == "done: 0 order(s)"  # nothing keeps filling: still flat a bar later
    assert _held(desk, run_id) == D(0)


def test_a_fill_that_races_the_cancel_is_sold_too_and_the_run_ends_flat(desk: Desk) -> None:
    run_id = desk.start(STRATEGY)
    buy = _buy_filled_in_part(desk, run_id, "4")
    cancel = desk.broker.cancel_order

    def fill_then_cancel(broker_order_id: str) -> bool:  # 3 more shares fill before the cancel lands
        desk.broker.fill(buy.client_order_id, "3", "100.50")
        return cancel(broker_order_id)

    desk.broker.cancel_order = fill_then_cancel  # type: ignore[method-assign]
    assert desk.tick(run_id, 1) == "done: 1 order(s)"

    buy_after, sell = _orders(desk, run_id)
    assert (buy_after.status, buy_after.filled_qty) == ("canceled", D(7))
    assert (sell.status, sell.qty, sell.filled_qty) == ("filled", D(7), D(7))  # recorded at 4, sent as 7
    assert desk.broker.requests[-1].qty == 7.0
    assert _held(desk, run_id) == D(0)


def test_a_buy_that_completes_before_its_cancel_leaves_the_close_its_whole_qty(desk: Desk) -> None:
    run_id = desk.start(STRATEGY)
    buy = _buy_filled_in_part(desk, run_id, "4")
    cancel = desk.broker.cancel_order

    def fill_rest(broker_order_id: str) -> bool:  # too late: the buy filled, the cancel finds nothing open
        desk.broker.fill(buy.client_order_id, "6", "100.25")
        return cancel(broker_order_id)

    desk.broker.cancel_order = fill_rest  # type: ignore[method-assign]
    desk.tick(run_id, 1)
    buy_after, sell = _orders(desk, run_id)
    assert (buy_after.status, buy_after.filled_qty) == ("filled", D(10))
    assert (sell.qty, sell.filled_qty) == (D(10), D(10))
    assert _held(desk, run_id) == D(0)


def test_a_close_leaves_another_runs_order_on_the_same_symbol_working(desk: Desk) -> None:
    other = desk.start("tests.fixtures.strategies:RestingLimit")
    desk.tick(other, 0)
    (resting,) = _orders(desk, other)
    run_id = desk.start(STRATEGY)
    _buy_filled_in_part(desk, run_id, "4")
    desk.tick(run_id, 1)

    assert desk.broker.orders[resting.client_order_id].status == "new"
    (still,) = _orders(desk, other)
    assert still.status == "accepted"
    assert _held(desk, run_id) == D(0)


def test_an_untouched_resting_limit_buy_keeps_working_after_the_close_as_in_greta(desk: Desk) -> None:
    run_id = desk.start(STRATEGY, params={"rest_at": 50})
    desk.broker.auto_fill = False
    assert desk.tick(run_id, 0) == "done: 2 order(s)"
    (buy,) = [o for o in _orders(desk, run_id) if o.type == "market"]
    (resting,) = [o for o in _orders(desk, run_id) if o.type == "limit"]
    desk.broker.fill(buy.client_order_id, "4", "100.00")
    desk.broker.auto_fill = True
    desk.tick(run_id, 1)

    by_id = {o.id: o for o in _orders(desk, run_id)}
    assert by_id[buy.id].status == "canceled"  # the market buy still filling: a backtest had filled it
    assert by_id[resting.id].status not in ("canceled", "pending_cancel")  # Greta keeps a resting entry
    assert desk.broker.orders[resting.client_order_id].status == "new"
    assert _held(desk, run_id) == D(0)
