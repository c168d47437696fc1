"""How market orders execute, set through the admin API: a half spread paid over the last price, and
a share filled on arrival with the rest filled by the next pass (partial fills)."""

from __future__ import annotations

import time
from decimal import Decimal

import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import MarketOrderRequest

from app.exchange import ExchangeServer


def _execution(server: ExchangeServer, **body: object) -> requests.Response:
    return requests.post(f"{server.url}/_exchange/execution", json=body,
                         headers={"X-Exchange-Admin-Token": server.admin_token}, timeout=5)


def test_a_market_order_fills_half_at_once_and_the_rest_on_the_next_pass_paying_the_spread(
    server: ExchangeServer, trading: TradingClient
) -> None:
    answer = _execution(server, half_spread_bps=50, partial_fill=0.5).json()
    assert (answer["half_spread_bps"], answer["partial_fill"], answer["fills"]) == (50.0, 0.5, "ideal")
    server.exchange.pin_price("AAPL", "200")
    order = trading.submit_order(MarketOrderRequest(symbol="AAPL", qty=7, side=OrderSide.BUY,
                                                    time_in_force=TimeInForce.DAY, client_order_id="half-1"))
    assert (order.status.value, Decimal(order.filled_qty)) == ("partially_filled", Decimal(3))
    assert Decimal(str(order.filled_avg_price)) == Decimal("201.00")  # 200 + 50 bps
    deadline = time.monotonic() + 5
    while trading.get_order_by_client_id("half-1").status.value != "filled":
        assert time.monotonic() < deadline, "the remainder never filled"
        time.sleep(0.02)
    assert trading.get_open_position("AAPL").qty == "7"


def test_bad_execution_settings_are_refused_and_reset_restores_the_configured_ones(server: ExchangeServer) -> None:
    assert _execution(server, partial_fill=0).status_code == 422
    assert _execution(server, half_spread_bps=-1).status_code == 422
    _execution(server, half_spread_bps=10, partial_fill=0.25)
    server.reset()
    assert _execution(server).json() == {"half_spread_bps": 0.0, "partial_fill": 1.0, "fills": "ideal",
                                         "volume_share": 0.1, "latency_ms": 50, "random_partials": 0.0}
