"""The web process cannot reach the queue (its Redis URL points at a closed port): the API still
answers as usual, and every command it recorded reaches the workers through the relay, which runs
on the real Redis like the scheduler process does. Nothing is handled twice."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from alpaca.trading.requests import GetOrdersRequest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.config import Settings
from app.events.commands import TickLive
from app.exchange import ExchangeServer
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN
from tests.integration.api.conftest import issued, store_daily_bars
from tests.integration.commands.conftest import WorkerSide, event_types, make_worker_side, processed, record
from tests.integration.live.conftest import PAPER, exchange, last_closed_bar, live_settings, run_of, running_run
from tests.integration.live.conftest import trading_client as paper_client
from tests.integration.workers.conftest import wait_for

__all__ = ["exchange"]  # the live tests' local exchange fixture
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def settings(pg: Container, exchange: ExchangeServer) -> Settings:
    return live_settings(pg, exchange)


@pytest.fixture
def worker_side(pg: Container, settings: Settings, redis_url: str) -> Iterator[WorkerSide]:
    yield from make_worker_side(pg, settings, redis_url)


@pytest.fixture
def web(pg: Container, exchange: ExchangeServer) -> Iterator[FlaskClient]:
    app = create_app({"SETTINGS": live_settings(pg, exchange, redis_url=CLOSED_PORT), "CONTAINER": pg})
    assert app.extensions["weaver"].app.queue.heartbeats.ping()["ok"] is False  # its queue really is away
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield client
    app.extensions["weaver"].broadcaster.stop()
    app.extensions["weaver"].app.close()


@pytest.mark.timeout(50)
def test_with_the_queue_away_from_the_web_process_runs_start_and_the_kill_switch_cancels_through_the_relay(
    pg: Container, exchange: ExchangeServer, worker_side: WorkerSide, web: FlaskClient
) -> None:
    began = time.monotonic()
    store_daily_bars(pg, "AAPL", days=120)
    worker_side.start_workers()
    created = web.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                                             "params": {"fast": 5, "slow": 20}, "start_now": True})
    assert created.status_code == 201, created.get_json()
    backtest = created.get_json()
    assert backtest["status"] == "queued"
    time.sleep(0.5)  # no relay yet: the command waits in the outbox, the run stays queued
    assert run_of(pg, backtest["id"]).status == "queued" and len(issued(pg)) == 1

    worker_side.services.relay.start()  # the scheduler process comes up with the real Redis
    wait_for(lambda: run_of(pg, backtest["id"]).status == "completed", 15, "the backtest to complete")

    live = running_run(pg, strategy="tests.fixtures.strategies:RestingLimit", params={})
    record(pg, TickLive(live, last_closed_bar().isoformat()))  # what the scheduler records at the bar
    account = paper_client(exchange, PAPER)
    wait_for(lambda: len(account.get_orders()) == 1, 15, "the run's resting order at the exchange")
    killed = web.post("/api/v1/kill", json={})
    assert killed.status_code == 202 and killed.get_json()["runs_stopping"] == 1
    wait_for(lambda: account.get_orders() == [], 15, "the kill switch to cancel the open order")
    wait_for(lambda: run_of(pg, live).status == "stopped", 5, "the live run to stop")

    wait_for(lambda: processed(pg) == 2, 5, "the backtest and the kill switch recorded as handled")
    worker_side.services.relay.stop()
    worker_side.rewind_relay()  # a relay that died before saving its offset hands everything over again
    assert worker_side.services.relay.poll() == len(issued(pg)) == 3
    time.sleep(1.0)
    assert processed(pg) == 2
    assert event_types(pg).count("kill.activated") == 1
    assert event_types(pg, backtest["id"]).count("run.completed") == 1
    assert len(account.get_orders(GetOrdersRequest(status="all"))) == 1  # the tick was not traded again
    assert time.monotonic() - began < 45
