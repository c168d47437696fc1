from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.events.commands import decode
from app.events.reader import read_events
from app.events.relay import CommandRelay
from app.exchange import ExchangeServer
from app.services.drift import stop_cancelled
from app.services.live_control import LiveControl
from app.walle.models import Order, Position, RunMetric
from tests.integration.live.conftest import LIVE, PAPER, last_closed_bar, run_of, running_run, trading_client
from workers.runtime import Runtime

BUY = "tests.fixtures.strategies:BuyEveryBar"


def orders_of(pg: Container, run_id: str) -> list[Order]:
    with pg.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at)))


def test_a_paper_run_and_a_live_run_trade_at_once_on_their_own_accounts(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    paper = running_run(pg, mode="paper", strategy=BUY, params={"size": 2}, symbols=["AAPL"])
    live = running_run(pg, mode="live", strategy=BUY, params={"size": 3}, symbols=["MSFT"], cash=Decimal("50000"))
    for _ in range(3):
        bar = last_closed_bar()
        for run_id in (paper, live):
            assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()).startswith("done: 1")
        while last_closed_bar() == bar:
            pass
    for run_id, account, symbol, shares in ((paper, PAPER, "AAPL", 6), (live, LIVE, "MSFT", 9)):
        client = trading_client(exchange, account)
        theirs = client.get_orders(GetOrdersRequest(status="all"))
        mine = orders_of(pg, run_id)
        assert {o.client_order_id for o in theirs} == {o.client_order_id for o in mine}
        assert {o.symbol for o in theirs} == {symbol}
        (position,) = client.get_all_positions()
        assert (position.symbol, Decimal(position.qty)) == (symbol, shares)
        with pg.read_session() as session:
            (held,) = session.scalars(select(Position).where(Position.run_id == run_id)).all()
        assert (held.symbol, held.qty) == (symbol, shares)
        spent = sum((o.filled_qty * o.filled_avg_price for o in mine), Decimal(0))
        assert Decimal(client.get_account().cash) == Decimal(account.cash) - spent


def test_injected_429s_and_500s_still_land_each_order_exactly_once(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, strategy=BUY, params={"size": 1})
    exchange.add_fault(method="POST", path="/v2/orders", status=429, count=2)
    exchange.add_fault(method="POST", path="/v2/orders", status=500, after_commit=True, count=1)
    exchange.add_fault(method="GET", path="/v2/stocks/bars", status=500, count=1)
    assert live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat()).startswith("done: 1")
    (order,) = orders_of(pg, run_id)
    assert order.status == "filled"
    theirs = trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all"))
    assert [o.client_order_id for o in theirs] == [order.client_order_id]


def test_insufficient_buying_power_is_a_rejected_order_shown_on_the_run(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    run_id = running_run(pg, mode="live", strategy=BUY, params={"size": 1000}, symbols=["MSFT"])
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    (order,) = orders_of(pg, run_id)
    assert order.status == "rejected" and "insufficient buying power" in order.reject_reason
    run = run_of(pg, run_id)
    assert run.status == "running" and "insufficient buying power" in run.error
    with pg.read_session() as session:
        kinds = [e.type for e in read_events(session, 0, run_id=run_id)]
    assert "order.rejected" in kinds
    with pg.read_session() as session:  # counted as a backtest counts its rejected orders
        rejected = session.scalar(select(RunMetric.value).where(RunMetric.run_id == run_id,
                                                                RunMetric.name == "orders_rejected"))
    assert rejected == 1


def test_risk_limits_refuse_orders_and_the_loss_limit_halts_the_run(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    capped = running_run(pg, strategy=BUY, params={"size": 100},
                         options={"risk": {"max_order_value": "1000"}})
    live_runtime.live.handle("tick", capped, bar_ts=last_closed_bar().isoformat())
    (order,) = orders_of(pg, capped)
    assert order.status == "rejected" and "max_order_value" in order.reject_reason
    assert trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all")) == []
    with pg.read_session() as session:
        breaches = [e.payload for e in read_events(session, 0, run_id=capped) if e.type == "risk.breached"]
    assert breaches and breaches[0]["rule"] == "max_order_value"

    losing = running_run(pg, strategy=BUY, params={"size": 1}, cash=Decimal("100000"),
                         options={"risk": {"max_daily_loss": "0.01"}})
    exchange.pin_price("AAPL", "190.00")
    first = live_runtime.live.handle("tick", losing, bar_ts=bar_closed_after_now().isoformat())
    assert first != "halted"  # bought at 190 and marked at the 190 close of a bar after the pin: no loss yet
    exchange.pin_price("AAPL", "100.00")
    outcome = live_runtime.live.handle("tick", losing, bar_ts=bar_closed_after_now().isoformat())
    assert outcome == "halted"  # bought at 190, marked at 100: down 90 today against a 0.01 limit
    run = run_of(pg, losing)
    assert run.status == "stopped" and "down 90.00 today" in run.error and "run halted" in run.error
    with pg.read_session() as session:
        rules = [e.payload["rule"] for e in read_events(session, 0, run_id=losing) if e.type == "risk.breached"]
    assert rules == ["max_daily_loss"]


def test_the_kill_switch_cancels_every_open_order_and_stops_every_live_run(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    runs = [running_run(pg, mode=mode, strategy="tests.fixtures.strategies:RestingLimit", params={},
                        symbols=[symbol]) for mode, symbol in (("paper", "AAPL"), ("live", "MSFT"))]
    bar = last_closed_bar()
    for run_id in runs:
        live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
    for account in (PAPER, LIVE):
        assert len(trading_client(exchange, account).get_orders()) == 1  # one resting order each

    result = LiveControl(pg.uow, lambda kind: True).kill()
    assert result == {"runs_stopping": 2}
    # The relay hands the command straight to the live worker's handlers (the queue is tested elsewhere).
    inline = CommandRelay(pg.session_factory, lambda c: live_runtime.commands.handle(decode(c.type, c.payload), c.id))
    assert inline.poll() == 1
    for account in (PAPER, LIVE):
        assert trading_client(exchange, account).get_orders() == []
    for run_id in runs:
        assert run_of(pg, run_id).status == "stopped"
        assert {o.status for o in orders_of(pg, run_id)} == {"canceled"}
    with pg.read_session() as session:
        (killed,) = [e for e in read_events(session, 0) if e.type == "kill.activated"]
        # Each run is told which of its orders the kill switch cancelled, so its drift report can say who did.
        told = {e.run_id: e.payload for e in read_events(session, 0) if e.type == "run.orders_cancelled"}
        assert stop_cancelled(session, runs[0]) == {orders_of(pg, runs[0])[0].client_order_id: "by the kill switch"}
    assert killed.payload == {"runs": 2, "orders": 2, "run_ids": killed.payload["run_ids"]}
    assert sorted(killed.payload["run_ids"]) == sorted(runs)  # whose positions the message then lists
    for run_id in runs:
        assert told[run_id] == {"run_id": run_id, "cancel_orders": True, "by": "kill_switch", "left_open": [],
                                "cancelled": [o.client_order_id for o in orders_of(pg, run_id)]}


def bar_closed_after_now() -> datetime:
    """The first one-second bar to close after a pin just set: it closes at the pinned price (an earlier
    bar closes wherever the walk left it, so a mark there is a few cents off the fill)."""
    bar = last_closed_bar()
    while last_closed_bar() == bar:
        time.sleep(0.01)
    return last_closed_bar()
