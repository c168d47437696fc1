"""trade_updates over the WebSocket: alpaca-py's TradingStream receives its own account's events
(and only those), both auth forms work, bad keys are refused, and a dropped connection recovers."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import LimitOrderRequest, MarketOrderRequest
from websockets.sync.client import connect

from app.exchange import AccountConfig, ExchangeServer
from tests.integration.exchange.conftest import LIVE, PAPER, StreamRecorder, wait_for

Recorder = Callable[[AccountConfig], StreamRecorder]


def test_trading_stream_receives_fills_of_its_own_account_only(
        server: ExchangeServer, record_stream: Recorder, trading: TradingClient, live: TradingClient) -> None:
    paper_stream, live_stream = record_stream(PAPER), record_stream(LIVE)
    server.pin_price("AAPL", "150")
    mine = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=3, side=OrderSide.BUY,
                                                   time_in_force=TimeInForce.DAY))
    theirs = live.submit_order(LimitOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY,
                                                 time_in_force=TimeInForce.GTC, limit_price=140))
    wait_for(lambda: paper_stream.events(mine.id) == ["new", "fill"], what="paper events")
    fill = paper_stream.updates[-1]
    assert (fill.price, fill.qty, fill.position_qty) == (150.0, 3.0, 3.0)
    assert fill.order.filled_avg_price == "150" and fill.timestamp is not None
    server.pin_price("AAPL", "139")
    wait_for(lambda: live_stream.events(theirs.id) == ["new", "fill"], what="live events")
    assert {str(u.order.id) for u in paper_stream.updates} == {str(mine.id)}
    assert {str(u.order.id) for u in live_stream.updates} == {str(theirs.id)}


def test_cancel_expire_partial_fill_and_reject_reach_the_stream(
        server: ExchangeServer, record_stream: Recorder, trading: TradingClient) -> None:
    stream = record_stream(PAPER)
    orders = [trading.submit_order(LimitOrderRequest(symbol="MSFT", qty=4, side=OrderSide.BUY,
                                                     time_in_force=TimeInForce.DAY, limit_price=1))
              for _ in range(3)]
    trading.cancel_order_by_id(orders[0].id)
    server.force_fill(str(orders[1].id), qty="1", price="1")
    server.reject(str(orders[1].id))
    assert server.expire_day_orders() == 1
    wait_for(lambda: len(stream.updates) == 7, what="seven events")
    assert stream.events(orders[0].id) == ["new", "canceled"]
    assert stream.events(orders[1].id) == ["new", "partial_fill", "rejected"]
    assert stream.events(orders[2].id) == ["new", "expired"]


def test_dropped_stream_reconnects_and_keeps_delivering(
        server: ExchangeServer, record_stream: Recorder, trading: TradingClient) -> None:
    stream = record_stream(PAPER)
    assert server.drop_streams("paper") == 1
    wait_for(lambda: stream.listening() == 0, what="the drop")
    wait_for(lambda: stream.listening() == 1, timeout=5, what="alpaca-py to reconnect")
    order = trading.submit_order(MarketOrderRequest(symbol="SPY", qty=1, side=OrderSide.BUY,
                                                    time_in_force=TimeInForce.DAY))
    wait_for(lambda: stream.events(order.id) == ["new", "fill"], what="events after reconnect")


@pytest.mark.parametrize(
    "auth",
    [
        {"action": "authenticate", "data": {"key_id": PAPER.key, "secret_key": PAPER.secret}},
        {"action": "auth", "key": PAPER.key, "secret": PAPER.secret},
    ],
)
def test_both_auth_forms_are_accepted(server: ExchangeServer, trading: TradingClient, auth: dict) -> None:
    with connect(server.stream_url, open_timeout=5) as ws:
        ws.send(json.dumps(auth))
        assert json.loads(ws.recv(timeout=5)) == {
            "stream": "authorization", "data": {"status": "authorized", "action": "authenticate"}}
        ws.send(json.dumps({"action": "listen", "data": {"streams": ["trade_updates"]}}))
        assert json.loads(ws.recv(timeout=5)) == {"stream": "listening", "data": {"streams": ["trade_updates"]}}
        order = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY,
                                                        time_in_force=TimeInForce.DAY))
        events = [json.loads(ws.recv(timeout=5)) for _ in range(2)]
    assert [e["data"]["event"] for e in events] == ["new", "fill"]
    assert {e["stream"] for e in events} == {"trade_updates"}
    assert events[1]["data"]["order"]["id"] == str(order.id)
    assert set(events[1]["data"]) >= {"event", "timestamp", "order", "price", "qty", "position_qty"}


def test_bad_stream_keys_are_refused_and_the_socket_closed(server: ExchangeServer) -> None:
    with connect(server.stream_url, open_timeout=5) as ws:
        ws.send(json.dumps({"action": "auth", "key": PAPER.key, "secret": "nope"}))
        reply = json.loads(ws.recv(timeout=5))
        assert reply["data"]["status"] == "unauthorized"
        with pytest.raises(Exception, match="1008|unauthorized"):
            ws.recv(timeout=5)
    assert server.exchange.hub.count() == 0
