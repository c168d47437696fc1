"""Every response body the exchange sends for an implemented path validates against Alpaca's own
OpenAPI schemas (trading.yaml, data.yaml), fetched over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def call(server: ExchangeServer, method: str, path: str, **kwargs: object) -> requests.Response:
    return requests.request(method, server.url + path, headers=HEADERS, timeout=10, **kwargs)


def submit(server: ExchangeServer, **body: object) -> dict:
    response = call(server, "POST", "/v2/orders", json={"type": "market", "time_in_force": "day", **body})
    assert response.status_code == 200, response.text
    return response.json()


def test_account_clock_and_calendar_match_alpacas_schemas(server: ExchangeServer, contract: Contract) -> None:
    contract.check("trading", "Account", call(server, "GET", "/v2/account").json())
    contract.check("trading", "Clock", call(server, "GET", "/v2/clock").json())
    calendar = call(server, "GET", "/v2/calendar", params={"start": "2024-01-01", "end": "2024-02-01"}).json()
    assert len(calendar) == 32  # the always-open synthetic market trades every day
    contract.check("trading", "Calendar", calendar, array=True)


def test_orders_of_every_kind_match_the_order_schema(server: ExchangeServer, contract: Contract) -> None:
    server.pin_price("AAPL", "100")
    bodies = [
        submit(server, symbol="AAPL", qty=2, side="buy"),
        submit(server, symbol="AAPL", notional=250.5, side="buy"),
        submit(server, symbol="AAPL", qty=1, side="buy", type="limit", limit_price=90, time_in_force="gtc"),
        submit(server, symbol="AAPL", qty=1, side="sell", type="stop", stop_price=80),
        submit(server, symbol="AAPL", qty=1, side="sell", type="stop_limit", stop_price=80, limit_price=79),
        submit(server, symbol="AAPL", qty=1, side="buy", order_class="bracket",
               take_profit={"limit_price": 110}, stop_loss={"stop_price": 95, "limit_price": 94.5}),
    ]
    for body in bodies:
        contract.check("trading", "Order", body)
    assert len(bodies[-1]["legs"]) == 2
    for status in ("open", "closed", "all"):
        for nested in ("true", "false"):
            listed = call(server, "GET", "/v2/orders", params={"status": status, "nested": nested}).json()
            contract.check("trading", "Order", listed, array=True)
    contract.check("trading", "Order", call(server, "GET", f"/v2/orders/{bodies[2]['id']}").json())
    by_client = call(server, "GET", "/v2/orders:by_client_order_id",
                     params={"client_order_id": bodies[2]["client_order_id"]})
    contract.check("trading", "Order", by_client.json())
    canceled = call(server, "DELETE", "/v2/orders")
    assert canceled.status_code == 207
    contract.check("trading", "CanceledOrderResponse", canceled.json(), array=True)


def test_positions_carry_every_field_alpaca_requires(server: ExchangeServer, contract: Contract) -> None:
    submit(server, symbol="AAPL", qty=3, side="buy")
    submit(server, symbol="MSFT", notional=100, side="buy")
    positions = call(server, "GET", "/v2/positions").json()
    assert {p["symbol"] for p in positions} == {"AAPL", "MSFT"}
    contract.check("trading", "Position", positions, array=True)
    contract.check("trading", "Position", call(server, "GET", "/v2/positions/AAPL").json())
    closing = call(server, "DELETE", "/v2/positions/AAPL", params={"percentage": 50})
    contract.check("trading", "Order", closing.json())


def test_market_data_matches_alpacas_data_schemas(server: ExchangeServer, contract: Contract) -> None:
    start = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    bars = call(server, "GET", "/v2/stocks/bars",
                params={"symbols": "AAPL,MSFT", "timeframe": "5Min", "start": start, "limit": 10000}).json()
    assert bars["bars"]["AAPL"] and bars["next_page_token"] is None
    contract.check("data", "MultiBarsResponse", bars)
    contract.check("data", "Bar", bars["bars"]["AAPL"][0])
    latest = call(server, "GET", "/v2/stocks/bars/latest", params={"symbols": "AAPL,MSFT"}).json()
    contract.check("data", "LatestMultiBarsResponse", latest)
    trades = call(server, "GET", "/v2/stocks/trades/latest", params={"symbols": "AAPL"}).json()
    contract.check("data", "LatestMultiTradesResponse", trades)
    empty = call(server, "GET", "/v2/stocks/bars", params={"symbols": "AAPL", "timeframe": "1Min",
                                                           "start": "2030-01-01T00:00:00Z"}).json()
    assert empty == {"bars": {}, "next_page_token": None}


def test_single_symbol_data_routes_match_the_multi_symbol_ones(server: ExchangeServer, contract: Contract) -> None:
    """The routes Alpaca's JavaScript SDK calls (getBarsV2, getLatestBar, getLatestTrade)."""
    params = {"timeframe": "1Min", "start": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(), "limit": 3}
    one = call(server, "GET", "/v2/stocks/AAPL/bars", params=params).json()
    many = call(server, "GET", "/v2/stocks/bars", params={**params, "symbols": "AAPL"}).json()
    contract.check("data", "BarsResponse", one)
    assert one["symbol"] == "AAPL" and len(one["bars"]) == 3 and one["bars"] == many["bars"]["AAPL"]
    assert one["next_page_token"] == many["next_page_token"] is not None
    rest = call(server, "GET", "/v2/stocks/AAPL/bars", params={**params, "page_token": one["next_page_token"]})
    assert rest.json()["bars"][0]["t"] > one["bars"][-1]["t"]
    latest = call(server, "GET", "/v2/stocks/AAPL/bars/latest").json()
    contract.check("data", "LatestBarResponse", latest)
    assert latest["symbol"] == "AAPL" and latest["bar"]["t"] >= one["bars"][-1]["t"]
    trade = call(server, "GET", "/v2/stocks/aapl/trades/latest").json()
    contract.check("data", "LatestTradeResponse", trade)
    assert trade["symbol"] == "AAPL" and trade["trade"]["p"] > 0
    unknown = call(server, "GET", "/v2/stocks/NOPE/bars/latest")
    assert unknown.status_code == 404 and unknown.json()["message"] == "symbol 'NOPE' not found"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/v2/orders/6c2b7ef5-5c1d-4a43-a0f3-3a6b6a7a1d10", {}, 404),
        ("DELETE", "/v2/orders/6c2b7ef5-5c1d-4a43-a0f3-3a6b6a7a1d10", {}, 404),
        ("GET", "/v2/positions/AAPL", {}, 404),
        ("POST", "/v2/orders", {"json": {"symbol": "AAPL", "qty": 0, "side": "buy", "type": "market",
                                         "time_in_force": "day"}}, 422),
        ("POST", "/v2/orders", {"json": {"symbol": "NOPE", "qty": 1, "side": "buy", "type": "market",
                                         "time_in_force": "day"}}, 422),
        ("GET", "/v2/stocks/bars", {"params": {"symbols": "AAPL", "timeframe": "7Fortnight"}}, 400),
        ("GET", "/v2/no-such-endpoint", {}, 404),
    ],
)
def test_errors_are_alpaca_error_bodies(server: ExchangeServer, method: str, path: str, kwargs: dict,
                                        status: int) -> None:
    response = call(server, method, path, **kwargs)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message"} and isinstance(body["code"], int)
    assert isinstance(body["message"], str)
