"""The pinned live worker as a real process on Redis: killed (SIGKILL) after it sent an order and
before it heard back, a new worker reconciles into one order, recorded once; and the kill switch
goes from the API through Redis to the worker and the exchange."""

from __future__ import annotations

from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.events.commands import TickLive
from app.exchange import ExchangeServer
from app.walle.models import Order
from tests.integration.live.conftest import PAPER, exchange, last_closed_bar, running_run, trading_client
from tests.integration.workers.conftest import Stack, spawn_workers, wait_for

__all__ = ["exchange"]  # the live tests' local exchange fixture, used here too


def _paper_account(exchange: ExchangeServer) -> dict[str, str]:
    return {"WEAVER_ALPACA_PAPER_KEY_ID": PAPER.key, "WEAVER_ALPACA_PAPER_SECRET_KEY": PAPER.secret,
            "WEAVER_ALPACA_PAPER_BASE_URL": exchange.url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange.url,
            "WEAVER_ALPACA_PAPER_STREAM_URL": exchange.stream_url}


def _orders(pg: Container, run_id: str) -> list[Order]:
    with pg.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id)))


def test_a_live_worker_killed_mid_submit_leaves_one_order_after_restart(
    stack: Stack, pg: Container, exchange: ExchangeServer, monkeypatch
) -> None:
    monkeypatch.setenv("WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS", "3000")  # the dead worker's message comes back fast
    monkeypatch.setenv("WEAVER_QUEUE_MAINTENANCE_CHANCE", "1000000")
    alpaca = _paper_account(exchange)
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 1})
    # The exchange takes the order only after 3 s; the worker is killed while it waits for the answer.
    exchange.add_fault(method="POST", path="/v2/orders", delay_ms=3000, count=1)
    first = spawn_workers(pg, stack, processes=1, queues="live", extra_env=alpaca)
    try:
        stack.queue.send(TickLive(run_id, last_closed_bar().isoformat()))
        wait_for(lambda: [o.status for o in _orders(pg, run_id)] == ["submitted"], 30, "the order's intent")
    finally:
        first.kill()
        first.stop()
    client = trading_client(exchange, PAPER)
    wait_for(lambda: len(client.get_orders(GetOrdersRequest(status="all"))) == 1, 10, "the exchange to take it")
    assert [o.status for o in _orders(pg, run_id)] == ["submitted"]  # what the DB knew when the worker died

    second = spawn_workers(pg, stack, processes=1, queues="live", extra_env=alpaca)
    try:
        wait_for(lambda: [o.status for o in _orders(pg, run_id)] == ["filled"], 60, "reconciliation", every=0.5)
    except AssertionError:
        print(second.log())
        raise
    finally:
        second.stop()
    (order,) = _orders(pg, run_id)
    (theirs,) = client.get_orders(GetOrdersRequest(status="all"))
    assert theirs.client_order_id == order.client_order_id and str(theirs.id) == order.broker_order_id


def test_the_kill_switch_through_the_api_and_redis_cancels_at_the_exchange_and_stops_the_runs(
    stack: Stack, pg: Container, exchange: ExchangeServer
) -> None:
    alpaca = _paper_account(exchange)
    runs = [running_run(pg, strategy="tests.fixtures.strategies:RestingLimit", params={}, symbols=[symbol])
            for symbol in ("AAPL", "MSFT")]
    worker = spawn_workers(pg, stack, processes=1, queues="live", extra_env=alpaca)
    client = trading_client(exchange, PAPER)
    try:
        bar = last_closed_bar()
        for run_id in runs:
            stack.queue.send(TickLive(run_id, bar.isoformat()))
        wait_for(lambda: len(client.get_orders()) == 2, 30, "a resting order per run at the exchange")
        killed = stack.client.post("/api/v1/kill", json={})
        assert killed.status_code == 202 and killed.get_json()["runs_stopping"] == 2
        wait_for(lambda: client.get_orders() == [], 30, "the orders to be cancelled at the exchange")
        wait_for(lambda: all(stack.client.get(f"/api/v1/runs/{r}").get_json()["status"] == "stopped" for r in runs),
                 30, "the runs to stop")
    except AssertionError:
        print(worker.log())
        raise
    finally:
        worker.stop()
    for run_id in runs:
        assert [o.status for o in _orders(pg, run_id)] == ["canceled"]
