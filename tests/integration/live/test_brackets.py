"""Bracket orders live: the broker's exit legs are recorded as the run's orders, a leg's fill moves
the run's position, and closing the position cancels the legs (as the backtest does)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.walle.models import Order, Position
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client
from workers.runtime import Runtime


def _orders(pg: Container, run_id: str) -> list[Order]:
    with pg.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                          Order.type)))


def _position(pg: Container, run_id: str) -> Decimal:
    with pg.read_session() as session:
        position = session.scalar(select(Position).where(Position.run_id == run_id))
        return position.qty if position else Decimal(0)


def _exchange_position(exchange: ExchangeServer) -> Decimal:
    held = {p.symbol: Decimal(p.qty) for p in trading_client(exchange, PAPER).get_all_positions()}
    return held.get("AAPL", Decimal(0))


def test_bracket_legs_are_recorded_and_closing_the_position_cancels_them(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BracketOnce", params={"close_after": 1})
    bar = last_closed_bar()
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "done: 1 order(s)"
    entry, *legs = _orders(pg, run_id)
    assert entry.status == "filled" and entry.order_class == "bracket" and entry.filled_qty == 10
    assert sorted((leg.type, leg.side, leg.status, leg.qty, leg.parent_id) for leg in legs) == [
        ("limit", "sell", "accepted", Decimal(10), entry.id), ("stop", "sell", "accepted", Decimal(10), entry.id)]
    assert _position(pg, run_id) == 10

    time.sleep(1.0)
    live_runtime.live.handle("tick", run_id, bar_ts=(bar + timedelta(seconds=1)).isoformat())
    orders = _orders(pg, run_id)
    close = orders[-1]
    assert close.side == "sell" and close.status == "filled" and close.filled_qty == 10
    assert sorted(o.status for o in orders if o.parent_id) == ["canceled", "canceled"]
    assert _position(pg, run_id) == 0 and _exchange_position(exchange) == 0
    at_exchange = trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all", nested=True))
    assert sorted(leg.status.value for o in at_exchange for leg in (o.legs or [])) == ["canceled", "canceled"]


def test_a_filled_stop_loss_leg_books_the_sale_into_the_run(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BracketOnce", params={"width": 0.2})
    bar = last_closed_bar()
    live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
    entry, *legs = _orders(pg, run_id)
    stop = next(leg for leg in legs if leg.type == "stop")
    exchange.pin_price("AAPL", stop.stop_price * Decimal("0.9"))  # the market falls through the stop

    deadline = time.monotonic() + 5
    while _exchange_position(exchange) != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    live_runtime.live.contexts[run_id].gateway.sync_open_orders()  # the polling fallback

    orders = {o.id: o for o in _orders(pg, run_id)}
    assert orders[stop.id].status == "filled" and orders[stop.id].filled_qty == 10
    assert {o.status for o in orders.values() if o.parent_id and o.id != stop.id} == {"canceled"}
    assert _position(pg, run_id) == 0 and _exchange_position(exchange) == 0
    with pg.read_session() as session:
        position = session.scalar(select(Position).where(Position.run_id == run_id))
        assert position.realized_pl == ((orders[stop.id].filled_avg_price - entry.filled_avg_price) * 10)


def test_a_stop_loss_alone_goes_to_the_broker_as_an_oto_and_its_fill_closes_the_run(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    """Trial 39: `buy(size=10, stop_loss=x)` (backtesting.py's `buy(sl=x)`) was backtested, and live it was
    sent as a bracket, which needs both exits: alpaca-py refused it before it left. It is an OTO order."""
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BracketOnce",
                         params={"width": 0.2, "take_profit": False})
    bar = last_closed_bar()
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "done: 1 order(s)"
    entry, stop = _orders(pg, run_id)
    assert (entry.order_class, entry.status, entry.filled_qty) == ("oto", "filled", 10)
    assert (stop.type, stop.side, stop.order_class, stop.parent_id, stop.qty) == ("stop", "sell", "oto", entry.id,
                                                                                   Decimal(10))
    # the account's open orders list the working stop (trial 40: the Live page said "No open orders" beside it)
    listed = live_runtime.live.desk.brokers["paper"].open_orders()
    assert [(o.type, o.side, o.stop_price, o.status) for o in listed] == [("stop", "sell", stop.stop_price, "new")]
    exchange.pin_price("AAPL", stop.stop_price * Decimal("0.9"))  # the market falls through the stop

    deadline = time.monotonic() + 5
    while _exchange_position(exchange) != 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    live_runtime.live.contexts[run_id].gateway.sync_open_orders()  # the polling fallback

    (_, stop) = _orders(pg, run_id)
    assert stop.status == "filled" and stop.filled_qty == 10
    assert _position(pg, run_id) == 0 and _exchange_position(exchange) == 0
    (at_exchange,) = trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all", nested=True))
    assert at_exchange.order_class.value == "oto" and [leg.status.value for leg in at_exchange.legs] == ["filled"]
