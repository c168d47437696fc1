from __future__ import annotations

from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.exchange import ExchangeServer
from app.walle.models import LiveTick, Order
from tests.integration.live.conftest import PAPER, last_closed_bar, run_of, running_run, trading_client
from workers.runtime import Runtime


def test_a_tick_delivered_twice_places_one_order(pg: Container, exchange: ExchangeServer,
                                                 live_runtime: Runtime) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={})
    bar = last_closed_bar()
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()).startswith("done: 1")
    assert live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat()) == "duplicate"
    with pg.read_session() as session:
        orders = session.scalars(select(Order).where(Order.run_id == run_id)).all()
        ticks = session.scalars(select(LiveTick).where(LiveTick.run_id == run_id)).all()
    assert len(orders) == 1 and orders[0].status == "filled"
    assert [(t.bar_ts, t.status) for t in ticks] == [(bar, "done")]
    at_exchange = trading_client(exchange, PAPER).get_orders(GetOrdersRequest(status="all"))
    assert [o.client_order_id for o in at_exchange] == [orders[0].client_order_id]


def test_a_crash_after_the_send_is_reconciled_on_restart_into_one_order(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings
) -> None:
    from app.veda.alpaca import RetryPolicy
    from workers.runtime import build_runtime

    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={})
    broker = live_runtime.live.brokers["paper"]
    broker.policy = RetryPolicy(attempts=1)  # the worker "dies" with its first unanswered request
    exchange.add_fault(method="POST", path="/v2/orders", status=504, after_commit=True, count=1)
    bar = last_closed_bar()
    live_runtime.live.handle("tick", run_id, bar_ts=bar.isoformat())
    with pg.read_session() as session:
        (order,) = session.scalars(select(Order).where(Order.run_id == run_id)).all()
    assert order.status == "submitted" and order.broker_order_id is None  # recorded, answer lost

    restarted = build_runtime(settings, container=pg)  # a new worker process: nothing in memory
    repaired = restarted.live.reconcile()
    assert any(order.client_order_id in line and "synced" in line for line in repaired["paper"])
    with pg.read_session() as session:
        (order,) = session.scalars(select(Order).where(Order.run_id == run_id)).all()
    assert order.status == "filled" and order.broker_order_id is not None
    assert restarted.live.handle("tick", run_id, bar_ts=bar.isoformat()) in ("duplicate", "done: 0 order(s)")
    with pg.read_session() as session:
        assert len(session.scalars(select(Order).where(Order.run_id == run_id)).all()) == 1
    assert run_of(pg, run_id).status == "running"


def test_an_order_the_broker_never_saw_is_marked_unknown_not_filled(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime
) -> None:
    from app.veda.alpaca import RetryPolicy

    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={})
    live_runtime.live.brokers["paper"].policy = RetryPolicy(attempts=1)
    exchange.add_fault(method="POST", path="/v2/orders", status=500, count=1)  # refused before it was taken
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    repaired = live_runtime.live.reconcile()
    assert any("marked_unknown" in line for line in repaired["paper"])
    with pg.read_session() as session:
        (order,) = session.scalars(select(Order).where(Order.run_id == run_id)).all()
    assert order.status == "unknown" and order.filled_qty == 0
