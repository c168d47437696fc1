"""Stopping a paper run cancels its open orders by default (a resting limit would otherwise keep filling
after the stop), both at the local exchange and in the run's records; `{"cancel_orders": false}` leaves
them working. The stop's `run.orders_cancelled` event says which orders were cancelled or left open.

The API's stop is issued as the live worker receives it (the StopRun command read back from the outbox)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container
from app.events.commands import StopRun
from app.events.reader import read_events
from app.exchange import ExchangeServer
from app.services.drift import stop_cancelled
from app.veda.book import RunFacts, load_book
from app.walle.models import EquityPoint, Order, Run, RunMetric
from tests.integration.api.conftest import issued
from tests.integration.conftest import weaver
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client, worker_stops
from workers.runtime import Runtime

RESTING = "tests.fixtures.strategies:RestingLimit"


def _resting_order(pg: Container, live_runtime: Runtime) -> tuple[str, Order]:
    run_id = running_run(pg, strategy=RESTING, params={})
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    with pg.read_session() as session:
        order = session.scalars(select(Order).where(Order.run_id == run_id)).one()
    assert order.status == "accepted" and order.type == "limit"
    return run_id, order


def _stop(pg: Container, client: FlaskClient, live_runtime: Runtime, run_id: str, **request: Any) -> dict:
    answer = client.post(f"/api/v1/runs/{run_id}/stop", **request)
    assert answer.status_code == 202, answer.get_json()
    command = [c for c in issued(pg) if isinstance(c, StopRun) and c.run_id == run_id][-1]
    live_runtime.live.handle("stop", run_id, cancel_orders=command.cancel_orders)
    with pg.read_session() as session:
        assert session.get(Run, run_id).status == "stopped"
        events = read_events(session, 0, run_id=run_id, limit=1000)
        told = [e.payload for e in events if e.type == "run.orders_cancelled"]
    assert len(told) == 1
    return told[0]


def _at_exchange(exchange: ExchangeServer, broker_order_id: str) -> str:
    return trading_client(exchange, PAPER).get_order_by_id(broker_order_id).status.value


def _recorded(pg: Container, order_id: str) -> str:
    with pg.read_session() as session:
        return session.get(Order, order_id).status


def test_stop_without_a_body_cancels_the_runs_resting_order(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, order = _resting_order(pg, live_runtime)

    told = _stop(pg, client, live_runtime, run_id)  # no body at all: the defaults

    assert _at_exchange(exchange, order.broker_order_id) == "canceled"
    assert _recorded(pg, order.id) == "canceled"
    assert told == {"run_id": run_id, "cancel_orders": True, "cancelled": [order.client_order_id], "left_open": [],
                    "by": "stop"}
    with pg.read_session() as session:  # what the drift report's notes read: "the rest was cancelled at the run's stop"
        assert stop_cancelled(session, run_id) == {order.client_order_id: "at the run's stop"}


def test_stop_with_cancel_orders_false_leaves_the_order_working(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, order = _resting_order(pg, live_runtime)

    told = _stop(pg, client, live_runtime, run_id, json={"cancel_orders": False})

    assert _at_exchange(exchange, order.broker_order_id) in ("new", "accepted")
    assert _recorded(pg, order.id) == "accepted"
    assert told == {"run_id": run_id, "cancel_orders": False, "cancelled": [], "left_open": [order.client_order_id],
                    "by": "stop"}


def test_the_openapi_document_says_the_stop_body_is_optional_and_cancels_by_default(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()

    body = document["paths"]["/api/v1/runs/{run_id}/stop"]["post"]["requestBody"]
    assert body["required"] is False
    field = document["components"]["schemas"]["RunStop"]["properties"]["cancel_orders"]
    assert field["default"] is True and "default" in field["description"]


@pytest.mark.parametrize("keep", [False, True], ids=["default", "keep-orders"])
def test_weaver_runs_stop_cancels_by_default_and_says_what_became_of_the_orders(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, cli_env: dict[str, str], keep: bool
) -> None:
    run_id, order = _resting_order(pg, live_runtime)
    worker = worker_stops(pg, live_runtime, run_id)

    done = weaver("runs", "stop", run_id[:8], *(["--keep-orders"] if keep else []), "--wait", "60", env=cli_env,
                  timeout=120)
    worker.join(10)

    assert done.returncode == 0, done.stderr
    if keep:
        assert "leaves its open orders working at the broker" in done.stdout
        assert f"left working at the broker: 1 order(s): {order.client_order_id}" in done.stdout
        assert "stopped; cancelled 0 open order(s)" in done.stdout
        assert _recorded(pg, order.id) == "accepted"
        assert _at_exchange(exchange, order.broker_order_id) in ("new", "accepted")
    else:
        assert f"stopped; cancelled 1 open order(s): {order.client_order_id}" in done.stdout
        assert _recorded(pg, order.id) == "canceled"
        assert _at_exchange(exchange, order.broker_order_id) == "canceled"


def test_a_fill_booked_at_the_stop_is_in_the_runs_final_equity_point_and_metrics(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, order = _resting_order(pg, live_runtime)
    with pg.read_session() as session:
        marked = session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)).all()
    assert [(p.cash, p.equity) for p in marked] == [(Decimal("100000"), Decimal("100000"))]
    price = Decimal(str(order.limit_price))
    filled = requests.post(f"{exchange.url}/_exchange/orders/{order.broker_order_id}/fill",
                           json={"price": str(price)}, headers={"X-Exchange-Admin-Token": exchange.admin_token},
                           timeout=10)
    assert filled.status_code == 200, filled.text

    _stop(pg, client, live_runtime, run_id)  # settles the fill the run has not seen yet, then stops

    with pg.uow() as uow:
        book = load_book(uow, RunFacts.of(uow.runs.get(run_id)))
        points = uow.session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)
                                     .order_by(EquityPoint.ts)).all()
        final = uow.session.get(RunMetric, (run_id, "final_equity"))
        assert _recorded(pg, order.id) == "filled"
        assert book.cash == Decimal("100000") - price and book.positions["AAPL"].qty == 1
        worth = book.cash + sum(p.qty * p.mark_price for p in book.positions.values())
        assert len(points) == 1 and (points[-1].cash, points[-1].equity) == (book.cash, worth)
        assert Decimal(str(final.value)) == worth


def test_weaver_runs_stop_says_what_the_run_still_holds_at_the_broker(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, cli_env: dict[str, str]
) -> None:
    """Trial 14: an order that filled while the run stopped left 52 shares held, and the stop said only
    "cancelled 0 open order(s)"."""
    run_id, order = _resting_order(pg, live_runtime)
    filled = requests.post(f"{exchange.url}/_exchange/orders/{order.broker_order_id}/fill",
                           json={"price": str(order.limit_price)},
                           headers={"X-Exchange-Admin-Token": exchange.admin_token}, timeout=10)
    assert filled.status_code == 200, filled.text
    worker = worker_stops(pg, live_runtime, run_id)
    done = weaver("runs", "stop", run_id[:8], "--wait", "60", env=cli_env, timeout=120)
    worker.join(10)
    assert done.returncode == 0, done.stderr
    assert "stopped; cancelled 0 open order(s)" in done.stdout
    said = ("still held at the broker: AAPL 1 (a stop cancels orders, not positions, unless given --close-positions; "
            f"close them with `weaver runs close-positions {run_id[:8]}`)")
    assert said in done.stdout, done.stdout
