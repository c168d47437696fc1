"""Fault injection: rate limits and server errors as alpaca-py experiences them, slow answers, lost
responses of orders that were in fact accepted, and the token-protected admin API."""

from __future__ import annotations

import time

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, OrderStatus, TimeInForce
from alpaca.trading.requests import MarketOrderRequest

from app.exchange import ExchangeServer


def market_buy(client_order_id: str) -> MarketOrderRequest:
    return MarketOrderRequest(symbol="AAPL", qty=1, side=OrderSide.BUY, time_in_force=TimeInForce.DAY,
                              client_order_id=client_order_id)


def test_injected_429s_are_retried_by_the_client(server: ExchangeServer, trading: TradingClient) -> None:
    trading._retry_wait = 0
    server.add_fault(path="/v2/account", method="GET", status=429, count=2)
    assert trading.get_account().status == "ACTIVE"
    assert server.exchange.faults.rules() == []


def test_429s_beyond_the_retry_budget_surface(server: ExchangeServer, trading: TradingClient) -> None:
    trading._retry_wait = 0
    server.add_fault(path="/v2/orders", status=429, count=4)
    with pytest.raises(APIError) as limited:
        trading.get_orders()
    assert (limited.value.status_code, limited.value.code) == (429, 42910000)


def test_injected_500_raises_api_error(server: ExchangeServer, trading: TradingClient) -> None:
    server.add_fault(path="/v2/positions*", status=500)
    with pytest.raises(APIError) as failed:
        trading.get_all_positions()
    assert (failed.value.status_code, failed.value.code) == (500, 50010000)
    assert trading.get_all_positions() == []  # count=1: used up


def test_lost_response_after_the_order_was_accepted(server: ExchangeServer, trading: TradingClient) -> None:
    """The exchange takes the order, then answers 504: the caller must reconcile by client_order_id."""
    trading._retry = 0
    server.add_fault(path="/v2/orders", method="POST", after_commit=True)
    with pytest.raises(APIError) as lost:
        trading.submit_order(market_buy("lost-1"))
    assert (lost.value.status_code, lost.value.code) == (504, 50410000)
    assert trading.get_order_by_client_id("lost-1").status == OrderStatus.FILLED
    assert trading.get_open_position("AAPL").qty == "1"


def test_retrying_a_lost_submit_hits_the_duplicate_guard(server: ExchangeServer, trading: TradingClient) -> None:
    trading._retry_wait = 0  # alpaca-py retries 504s: the resubmission is refused, never doubled
    server.add_fault(path="/v2/orders", method="POST", after_commit=True)
    with pytest.raises(APIError) as duplicate:
        trading.submit_order(market_buy("lost-2"))
    assert duplicate.value.status_code == 422
    assert trading.get_open_position("AAPL").qty == "1"


def test_slow_responses(server: ExchangeServer, trading: TradingClient) -> None:
    server.add_fault(path="/v2/clock", delay_ms=300, count=None)
    began = time.monotonic()
    trading.get_clock()
    trading.get_clock()
    assert time.monotonic() - began >= 0.6
    server.clear_faults()
    began = time.monotonic()
    trading.get_clock()
    assert time.monotonic() - began < 0.3


def test_faults_can_target_one_account(server: ExchangeServer, trading: TradingClient,
                                       live: TradingClient) -> None:
    server.add_fault(path="/v2/account", status=500, account="live", count=None)
    trading.get_account()
    with pytest.raises(APIError):
        live.get_account()


def test_admin_api_needs_its_token_and_drives_faults_and_prices(server: ExchangeServer,
                                                                trading: TradingClient) -> None:
    admin = server.url + "/_exchange"
    assert requests.get(admin + "/health", timeout=5).json() == {"status": "ok"}
    refused = requests.get(admin + "/state", timeout=5)
    assert refused.status_code == 401 and refused.json()["code"] == 40110000
    auth = {"X-Exchange-Admin-Token": server.admin_token}
    rule = requests.post(admin + "/faults", json={"path": "/v2/account", "method": "GET", "status": 500,
                                                  "count": 1}, headers=auth, timeout=5)
    assert rule.status_code == 201 and rule.json()["status"] == 500
    assert len(requests.get(admin + "/faults", headers=auth, timeout=5).json()) == 1
    assert requests.delete(admin + "/faults", headers=auth, timeout=5).status_code == 204
    trading.get_account()
    bad = requests.post(admin + "/faults", json={"path": "/v2/account", "colour": "red"}, headers=auth, timeout=5)
    assert bad.status_code == 422
    pinned = requests.post(admin + "/price", json={"symbol": "AAPL", "price": "123.45"},
                           headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=5).json()
    assert pinned == {"symbol": "AAPL", "price": "123.45", "pinned": True}
    order = trading.submit_order(market_buy("admin-1"))
    assert order.filled_avg_price == "123.45"
    requests.post(admin + "/price", json={"symbol": "AAPL", "price": None}, headers=auth, timeout=5)
    assert server.exchange.market.pins() == {}
    state = requests.get(admin + "/state", headers=auth, timeout=5).json()
    assert state["accounts"]["paper"]["positions"][0]["symbol"] == "AAPL"
    dropped = requests.post(admin + "/faults", json={"drop_stream": True}, headers=auth, timeout=5).json()
    assert dropped == {"dropped": 0}
    assert requests.post(admin + "/reset", headers=auth, timeout=5).json() == {"status": "reset"}
    assert trading.get_all_positions() == []


def test_stream_handshake_can_fail_too(server: ExchangeServer) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    server.add_fault(path="/stream", status=503)
    with pytest.raises(InvalidStatus):
        connect(server.stream_url, open_timeout=5)
