"""Order updates arrive through Alpaca's trade_updates stream (alpaca-py's TradingStream against
the local exchange's websocket) and land in the run's books without any polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from alpaca.trading.requests import LimitOrderRequest
from sqlalchemy import select

from app.bootstrap import Container
from app.config import Settings
from app.exchange import ExchangeServer
from app.veda.stream import TradeUpdatesRelay
from app.walle.models import Order, Position
from tests.integration.live.conftest import PAPER, last_closed_bar, running_run, trading_client
from workers.runtime import Runtime


def _order(pg: Container, run_id: str) -> Order:
    with pg.read_session() as session:
        (order,) = session.scalars(select(Order).where(Order.run_id == run_id)).all()
        return order


def _eventually(check: Callable[[], bool], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_fill_reported_by_the_stream_books_the_order_and_position(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, settings: Settings
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:RestingLimit", params={})
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())
    resting = _order(pg, run_id)
    assert resting.status == "accepted" and resting.limit_price is not None

    updates: list[dict] = []

    def relay_update(order: dict) -> None:  # what the live queue's `update` message does, in order
        updates.append(order)
        live_runtime.live.handle("update", order=order)

    relay = TradeUpdatesRelay(settings.alpaca("paper"), relay_update)
    relay.start()
    try:
        hub = exchange.exchange.hub
        assert _eventually(lambda: hub.count("paper", listening=True) == 1), "the stream never subscribed"
        exchange.force_fill(resting.broker_order_id, price=resting.limit_price)
        assert _eventually(lambda: _order(pg, run_id).status == "filled"), updates

        # A dropped connection (no close frame, as on a network failure): alpaca-py reconnects.
        assert exchange.drop_streams("paper") == 1
        assert _eventually(lambda: hub.count("paper") == 0), "the dropped connection was not closed"
        assert _eventually(lambda: hub.count("paper", listening=True) == 1, 15), "the stream never came back"
        other = trading_client(exchange, PAPER).submit_order(
            LimitOrderRequest(symbol="AAPL", qty=1, side="buy", time_in_force="gtc", limit_price=50))
        exchange.force_fill(str(other.id), price=Decimal(50))
        assert _eventually(lambda: any(u.get("id") == str(other.id) and u.get("status") == "filled"
                                       for u in updates)), updates
    finally:
        relay.stop()
    filled = _order(pg, run_id)
    assert (filled.filled_qty, filled.filled_avg_price) == (Decimal(1), resting.limit_price)
    assert any(u.get("client_order_id") == resting.client_order_id and u.get("status") == "filled" for u in updates)
    with pg.read_session() as session:
        position = session.scalar(select(Position).where(Position.run_id == run_id))
        assert (position.qty, position.avg_price) == (Decimal(1), resting.limit_price)
