"""Stop and close (`close_positions`): what a paper run holds is closed at market at its stop, one order per
symbol booked as the run's own, so the run ends flat at the broker and in its records, its final equity is
its cash, and `run.positions_closed` says what each close became. Without it the positions stay open.

A paper trader had no way to flatten a stopped run from Weaver: its shares stayed at the broker, owned by a
run that no longer traded, and the run could only be deleted with `force`. A run stopped holding can now be
closed afterwards too (POST /runs/{id}/close-positions, `weaver runs close-positions`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests
from alpaca.trading.requests import GetOrdersRequest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container
from app.events.commands import ClosePositions, StopRun
from app.events.reader import read_events
from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from app.services.drift import drift_report
from app.walle.models import EquityPoint, Fill, Order, Position, Run, RunMetric
from tests.integration.api.conftest import issued
from tests.integration.conftest import weaver
from tests.integration.foundation.factories import make_run
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client, worker_stops
from workers.runtime import Runtime

RESTING = "tests.fixtures.strategies:RestingLimit"
SHORT = "tests.fixtures.strategies:ShortOnce"


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    """The live tests' exchange, its paper account a margin one (the short case sells short)."""
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0, volatility=0.8),),
                            accounts=(replace(PAPER, shorting=True),), seed=5, bar_seconds=1, tick_seconds=0.01)
    with ExchangeServer(config) as server:
        yield server


def _holding_one_share(pg: Container, exchange: ExchangeServer, live_runtime: Runtime) -> tuple[str, Decimal]:
    """A paper run whose resting buy limit the exchange filled: it holds 1 AAPL, bought at the returned price."""
    run_id = running_run(pg, strategy=RESTING, params={})
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    with pg.read_session() as session:
        order = session.scalars(select(Order).where(Order.run_id == run_id)).one()
    filled = requests.post(f"{exchange.url}/_exchange/orders/{order.broker_order_id}/fill",
                           json={"price": str(order.limit_price)},
                           headers={"X-Exchange-Admin-Token": exchange.admin_token}, timeout=10)
    assert filled.status_code == 200, filled.text
    return run_id, Decimal(str(order.limit_price))


def _stop(pg: Container, client: FlaskClient, live_runtime: Runtime, run_id: str, body: dict[str, Any]) -> list[dict]:
    """POST the stop, let the live worker carry out the command it issued; the `run.positions_closed` payloads."""
    answer = client.post(f"/api/v1/runs/{run_id}/stop", json=body)
    assert answer.status_code == 202, answer.get_json()
    command = [c for c in issued(pg) if isinstance(c, StopRun) and c.run_id == run_id][-1]
    live_runtime.live.handle("stop", run_id, cancel_orders=command.cancel_orders,
                             close_positions=command.close_positions)
    with pg.read_session() as session:
        assert session.get(Run, run_id).status == "stopped"
        return [e.payload for e in read_events(session, 0, run_id=run_id, limit=1000)
                if e.type == "run.positions_closed"]


def _exchange_holds(exchange: ExchangeServer, symbol: str) -> Decimal:
    positions = trading_client(exchange, PAPER).get_all_positions()
    return sum((Decimal(p.qty) for p in positions if p.symbol == symbol), Decimal(0))


def test_stop_with_close_positions_sells_what_the_run_holds_and_books_it(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, bought = _holding_one_share(pg, exchange, live_runtime)
    assert _exchange_holds(exchange, "AAPL") == 1

    told = _stop(pg, client, live_runtime, run_id, {"close_positions": True})

    with pg.read_session() as session:
        close = session.scalars(select(Order).where(Order.run_id == run_id, Order.side == "sell")).one()
        fill = session.scalars(select(Fill).where(Fill.order_id == close.id)).one()
        held = session.scalars(select(Position).where(Position.run_id == run_id)).one()
        last = session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)
                               .order_by(EquityPoint.ts.desc())).first()
        final = session.get(RunMetric, (run_id, "final_equity"))
    assert close.client_order_id.endswith("-stop") and close.type == "market" and close.bar_ts is None
    assert (close.status, close.qty, close.filled_qty) == ("filled", 1, 1)
    assert fill.qty == 1 and fill.price == close.filled_avg_price
    assert held.qty == 0 and held.realized_pl == fill.price - bought
    cash = Decimal("100000") - bought + fill.price  # no fees on the paper account's stock trades
    assert (last.cash, last.equity) == (cash, cash)
    assert Decimal(str(final.value)) == cash
    assert _exchange_holds(exchange, "AAPL") == 0
    price = format(fill.price.normalize(), "f")
    assert told == [{"run_id": run_id, "detail": f"sold 1 AAPL, filled at {price}", "orders": [{
        "client_order_id": close.client_order_id, "symbol": "AAPL", "side": "sell", "qty": "1", "status": "filled",
        "filled_qty": "1", "filled_avg_price": price}]}]  # (a thin payload leaves out what is None)


def test_the_drift_report_says_the_close_came_from_the_stop(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    _stop(pg, client, live_runtime, run_id, {"close_positions": True})

    with pg.read_session() as session:
        report = drift_report(session, run_id)
    closes = [row for row in report.rows if row.live is not None and row.live.client_order_id.endswith("-stop")]
    # (the backtest's limit at half the price never filled: it held nothing to keep)
    assert [(row.status, row.side, row.note) for row in closes] == [
        ("only_live", "sell", "closed at the run's stop (close_positions), after its last bar: the backtest held no "
                              "shares then")]


def test_a_short_is_bought_back(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id = running_run(pg, strategy=SHORT, params={"size": 2}, options={"allow_short": True})
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    with pg.read_session() as session:
        sold = session.scalars(select(Order).where(Order.run_id == run_id)).one()
    assert (sold.side, sold.qty) == ("sell", 2) and sold.status in ("accepted", "filled"), sold.reject_reason

    told = _stop(pg, client, live_runtime, run_id, {"close_positions": True})

    assert [(o["side"], o["qty"], o["status"]) for o in told[0]["orders"]] == [("buy", "2", "filled")]
    with pg.read_session() as session:
        assert session.scalars(select(Position.qty).where(Position.run_id == run_id)).one() == 0
    assert _exchange_holds(exchange, "AAPL") == 0


def test_a_plain_stop_leaves_the_position_and_closes_nothing(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)

    assert _stop(pg, client, live_runtime, run_id, {}) == []

    with pg.read_session() as session:
        assert session.scalars(select(Order).where(Order.run_id == run_id, Order.side == "sell")).all() == []
    assert _exchange_holds(exchange, "AAPL") == 1


def test_close_positions_without_cancelling_orders_or_on_a_backtest_is_a_422(
    pg: Container, client: FlaskClient
) -> None:
    run_id = running_run(pg, strategy=RESTING, params={})

    both = client.post(f"/api/v1/runs/{run_id}/stop", json={"close_positions": True, "cancel_orders": False})

    assert both.status_code == 422
    assert both.get_json()["code"] == "validation_failed" and "leave cancel_orders true" in both.get_json()["message"]
    with pg.read_session() as session:
        assert session.get(Run, run_id).status == "running"  # nothing was stopped
    with pg.uow() as uow:
        backtest = uow.runs.add(make_run(mode="backtest", timeframe="1Day")).id
        uow.commit()
    refused = client.post(f"/api/v1/runs/{backtest}/stop", json={"close_positions": True})
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"] == {
        "close_positions": "a backtest holds nothing at a broker (paper and live runs only); stopping a backtest "
                           "cancels it"}


def test_weaver_runs_stop_close_positions_says_what_the_closes_became(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, cli_env: dict[str, str]
) -> None:
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    worker = worker_stops(pg, live_runtime, run_id)

    done = weaver("runs", "stop", run_id[:8], "--close-positions", "--wait", "60", env=cli_env, timeout=120)
    worker.join(10)

    assert done.returncode == 0, done.stderr
    assert "cancels its open orders, then closes its positions at market" in done.stdout
    assert "closed its positions: sold 1 AAPL, filled at " in done.stdout, done.stdout
    assert "still held" not in done.stdout
    refused = weaver("runs", "stop", run_id[:8], "--close-positions", "--keep-orders", env=cli_env)
    assert refused.returncode == 2 and "cannot be given with --keep-orders" in refused.stderr


def _close_after_stop(pg: Container, client: FlaskClient, live_runtime: Runtime, run_id: str) -> list[dict]:
    """POST close-positions on a stopped run, let the live worker carry out the command; the payloads."""
    answer = client.post(f"/api/v1/runs/{run_id}/close-positions")
    assert answer.status_code == 202, answer.get_json()
    assert answer.get_json()["status"] == "stopped"
    command = [c for c in issued(pg) if isinstance(c, ClosePositions) and c.run_id == run_id][-1]
    live_runtime.live.handle("close_positions", command.run_id)
    with pg.read_session() as session:
        assert session.get(Run, run_id).status == "stopped"
        return [e.payload for e in read_events(session, 0, run_id=run_id, limit=1000)
                if e.type == "run.positions_closed"]


def test_a_stopped_run_still_holding_is_closed_afterwards_and_then_deletes_without_force(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, bought = _holding_one_share(pg, exchange, live_runtime)
    assert _stop(pg, client, live_runtime, run_id, {}) == []  # stopped, still holding 1 AAPL
    assert client.delete(f"/api/v1/runs/{run_id}").status_code == 409

    told = _close_after_stop(pg, client, live_runtime, run_id)

    assert [(o["side"], o["qty"], o["status"]) for o in told[0]["orders"]] == [("sell", "1", "filled")]
    assert told[0]["detail"].startswith("sold 1 AAPL, filled at ")
    with pg.read_session() as session:
        held = session.scalars(select(Position).where(Position.run_id == run_id)).one()
        last = session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)
                               .order_by(EquityPoint.ts.desc())).first()
    sold_at = Decimal(told[0]["orders"][0]["filled_avg_price"])
    cash = Decimal("100000") - bought + sold_at
    assert held.qty == 0 and (last.cash, last.equity) == (cash, cash)
    assert _exchange_holds(exchange, "AAPL") == 0
    again = client.post(f"/api/v1/runs/{run_id}/close-positions")  # flat now: nothing to close
    assert again.status_code == 409 and again.get_json()["message"] == (
        f"run {run_id} holds nothing: there is nothing to close")
    assert client.delete(f"/api/v1/runs/{run_id}").status_code == 204


def test_close_positions_of_a_running_run_is_a_409_that_says_to_stop_it(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)

    refused = client.post(f"/api/v1/runs/{run_id}/close-positions")

    assert refused.status_code == 409
    assert refused.get_json()["message"] == (f"run {run_id} is running: a running run's positions are the "
                                             "strategy's; stop it with close_positions to close them as it stops")
    assert [c for c in issued(pg) if isinstance(c, ClosePositions)] == []
    assert client.post("/api/v1/runs/no-such-run/close-positions").status_code == 404


def test_weaver_runs_close_positions_says_what_the_closes_became(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient, cli_env: dict[str, str]
) -> None:
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    _stop(pg, client, live_runtime, run_id, {})

    def work() -> None:  # the live worker's part, as when the relay delivers the command
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(isinstance(c, ClosePositions) and c.run_id == run_id for c in issued(pg)):
                live_runtime.live.handle("close_positions", run_id)
                return
            time.sleep(0.1)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    done = weaver("runs", "close-positions", run_id[:8], "--wait", "60", env=cli_env, timeout=120)
    worker.join(10)

    assert done.returncode == 0, done.stderr
    assert f"run {run_id}: the live worker closes AAPL 1 at market" in done.stdout
    assert "closed: sold 1 AAPL, filled at " in done.stdout, done.stdout
    assert "still held" not in done.stdout
    flat = weaver("runs", "close-positions", run_id[:8], env=cli_env)
    assert flat.returncode == 2 and "holds nothing: there is nothing to close" in flat.stderr


def test_a_close_still_filling_when_the_stop_stops_waiting_restates_the_run_once_it_fills(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trial 22: a 300-share close filled over 30 s; the stop said "still working", the later fills were booked,
    but the final equity and metrics stayed those of the stop's moment (cash taken mid-close) for good."""
    run_id, bought = _holding_one_share(pg, exchange, live_runtime)
    monkeypatch.setattr("app.veda.flatten.FILL_POLLS", 1)  # the stop asks once, before the exchange answers
    exchange.exchange.set_execution(fills="realistic", latency_ms=400)
    told = _stop(pg, client, live_runtime, run_id, {"close_positions": True})
    assert told[0]["orders"][0]["status"] in ("submitted", "accepted"), told
    assert "still working at the broker" in told[0]["detail"]
    cid = told[0]["orders"][0]["client_order_id"]
    broker = trading_client(exchange, PAPER)
    deadline = time.monotonic() + 20
    while broker.get_order_by_client_id(cid).status.value != "filled" and time.monotonic() < deadline:
        time.sleep(0.1)
    snapshot = live_runtime.live.desk.brokers["paper"].order_by_client_id(cid)

    live_runtime.live.handle("update", order=snapshot)  # what the trade-updates stream hands the worker

    with pg.read_session() as session:
        fill = session.scalars(select(Fill).join(Order).where(Order.client_order_id == cid)).one()
        last = session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)
                               .order_by(EquityPoint.ts.desc())).first()
        final = session.get(RunMetric, (run_id, "final_equity"))
        events = [e.payload for e in read_events(session, 0, run_id=run_id, limit=1000)
                  if e.type == "run.positions_closed"]
    cash = Decimal("100000") - bought + fill.price
    assert (last.cash, last.equity) == (cash, cash) and Decimal(str(final.value)) == cash
    assert len(events) == 2 and events[-1]["orders"][0]["status"] == "filled"
    assert events[-1]["detail"] == f"sold 1 AAPL, filled at {format(fill.price.normalize(), 'f')}"


def test_a_second_close_while_the_first_is_on_its_way_or_working_is_a_409(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    """Trial 22: a second POST close-positions while the first close was filling sent a second market order."""
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    _stop(pg, client, live_runtime, run_id, {})
    assert client.post(f"/api/v1/runs/{run_id}/close-positions").status_code == 202

    again = client.post(f"/api/v1/runs/{run_id}/close-positions")  # before the live worker took the first

    assert again.status_code == 409
    assert again.get_json()["message"] == (f"run {run_id}: a close of its positions is already on its way; what it "
                                           "became shows as run.positions_closed on the run's page")
    assert len([c for c in issued(pg) if isinstance(c, ClosePositions)]) == 1
    with pg.uow() as uow:  # an order of the run still working at the broker (the first close filling, say)
        uow.session.add(Order(run_id=run_id, client_order_id=f"{run_id}-1-9-close", symbol="AAPL", side="sell",
                              type="market", order_class="simple", time_in_force="gtc", qty=Decimal(1),
                              filled_qty=Decimal(0), status="accepted", submitted_at=datetime.now(UTC), history=[]))
        uow.commit()
    working = client.post(f"/api/v1/runs/{run_id}/close-positions")
    assert working.status_code == 409
    assert working.get_json()["message"] == (
        f"run {run_id} has 1 order(s) still working at the broker: {run_id}-1-9-close (accepted, 0 of 1 filled). "
        "A close is sent once they are done (filled, or cancelled at the broker)")
    stopped = client.post(f"/api/v1/runs/{run_id}/stop", json={"close_positions": True})
    assert stopped.status_code == 409 and stopped.get_json()["message"] == (
        f"run {run_id} is stopped already and still holds 1 AAPL: close-positions closes what it holds (the run "
        f"page's Close positions button, `weaver runs close-positions {run_id}`, "
        f"POST /api/v1/runs/{run_id}/close-positions)")
    plain = client.post(f"/api/v1/runs/{run_id}/stop", json={})  # trial 23: "cannot go to stopping from there"
    assert plain.status_code == 409 and plain.get_json()["message"] == stopped.get_json()["message"]


def test_a_redelivered_close_sends_no_second_order_while_the_first_is_working(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code review: the close's id comes from the second the worker handles the command, so a command
    delivered again (a worker restarted during the wait) would have sent a second sale of the same shares."""
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    _stop(pg, client, live_runtime, run_id, {})
    monkeypatch.setattr("app.veda.flatten.FILL_POLLS", 1)
    exchange.exchange.set_execution(fills="realistic", latency_ms=1500)  # the close stays working a while
    [first] = _close_after_stop(pg, client, live_runtime, run_id)
    assert first["orders"][0]["status"] in ("submitted", "accepted"), first

    live_runtime.live.handle("close_positions", run_id)  # the same command again

    sells = [o for o in trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all", limit=50))
             if o.client_order_id.startswith(run_id) and o.side.value == "sell"]
    assert len(sells) == 1
    with pg.read_session() as session:
        told = [e.payload for e in read_events(session, 0, run_id=run_id, limit=1000)
                if e.type == "run.positions_closed"]
    assert [o["client_order_id"] for o in told[-1]["orders"]] == [first["orders"][0]["client_order_id"]]


def test_a_stop_the_worker_died_in_is_carried_out_as_asked_when_it_starts_again(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client: FlaskClient
) -> None:
    """Trial 35: killed during "stop and close", the run stayed `stopping` for ever, holding, and every control
    (stop, close-positions, delete) answered 409. The live worker's start-up now stops it again, as asked."""
    run_id, _ = _holding_one_share(pg, exchange, live_runtime)
    answer = client.post(f"/api/v1/runs/{run_id}/stop", json={"close_positions": True})
    assert answer.status_code == 202, answer.get_json()
    with pg.read_session() as session:  # the worker died before it carried the stop out
        assert session.get(Run, run_id).status == "stopping"

    live_runtime.live.reconcile()  # what a live worker does first when it starts

    with pg.read_session() as session:
        assert session.get(Run, run_id).status == "stopped"
        closes = [e.payload for e in read_events(session, 0, run_id=run_id, limit=1000)
                  if e.type == "run.positions_closed"]
        sells = session.scalars(select(Order).where(Order.run_id == run_id, Order.side == "sell")).all()
    assert len(closes) == 1 and [o.status for o in sells] == ["filled"]
    assert _exchange_holds(exchange, "AAPL") == 0
    assert client.get(f"/api/v1/runs/{run_id}").get_json()["state"]["can_start"] is True
