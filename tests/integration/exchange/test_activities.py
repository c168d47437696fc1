"""Account activities: every fill (and partial fill) appears as Alpaca's FILL entry, newest first,
paged with page_size/page_token and filtered by date, after and until."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.models import TradeActivity
from alpaca.trading.requests import LimitOrderRequest, MarketOrderRequest

from app.exchange import ExchangeServer
from app.exchange.timefmt import NEW_YORK
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
ACTIVITY_ID = re.compile(r"^(\d{17})::[0-9a-f-]{36}$")


def activities(server: ExchangeServer, path: str = "/v2/account/activities", **params: object) -> list[dict]:
    response = requests.get(server.url + path, headers=HEADERS, params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def market(client: TradingClient, symbol: str, qty: float, side: OrderSide = OrderSide.BUY) -> object:
    return client.submit_order(MarketOrderRequest(symbol=symbol, qty=qty, side=side, time_in_force=TimeInForce.DAY))


def test_a_fill_is_listed_with_the_orders_price_and_qty(server: ExchangeServer, trading: TradingClient,
                                                        contract: Contract) -> None:
    server.pin_price("AAPL", "187.25")
    order = market(trading, "AAPL", 3)
    body = activities(server)
    contract.check("trading", "TradingActivities", body, array=True)
    [fill] = body
    assert (fill["activity_type"], fill["type"], fill["side"], fill["symbol"]) == ("FILL", "fill", "buy", "AAPL")
    assert (fill["price"], fill["qty"], fill["cum_qty"], fill["leaves_qty"]) == ("187.25", "3", "3", "0")
    assert fill["price"] == order.filled_avg_price and fill["qty"] == order.filled_qty
    assert fill["order_id"] == str(order.id) and fill["order_status"] == "filled"
    stamp = ACTIVITY_ID.match(fill["id"])
    assert stamp is not None
    executed = datetime.fromisoformat(fill["transaction_time"].replace("Z", "+00:00"))
    assert abs(executed - order.filled_at) < timedelta(milliseconds=1)
    assert stamp[1] == executed.astimezone(NEW_YORK).strftime("%Y%m%d%H%M%S%f")[:17]  # New York time, ms
    parsed = TradeActivity(**fill)  # what alpaca-py's model makes of it
    assert parsed.price == 187.25 and parsed.qty == 3 and str(parsed.order_id) == str(order.id)
    assert parsed.account_id == trading.get_account().id
    assert activities(server, "/v2/account/activities/FILL") == body


def test_partial_fills_carry_the_running_and_remaining_qty(server: ExchangeServer, trading: TradingClient,
                                                           contract: Contract) -> None:
    server.pin_price("MSFT", "400")
    order = trading.submit_order(LimitOrderRequest(symbol="MSFT", qty=10, side=OrderSide.BUY,
                                                   time_in_force=TimeInForce.GTC, limit_price=350))
    server.force_fill(str(order.id), qty=4, price="349.5")
    server.force_fill(str(order.id), qty=6, price="349")
    second, first = activities(server, "/v2/account/activities/FILL")
    contract.check("trading", "TradingActivities", [second, first], array=True)
    assert (first["type"], first["qty"], first["price"], first["cum_qty"], first["leaves_qty"]) == (
        "partial_fill", "4", "349.5", "4", "6")
    assert first["order_status"] == "partially_filled"
    assert (second["type"], second["qty"], second["cum_qty"], second["leaves_qty"]) == ("fill", "6", "10", "0")
    average = Decimal(trading.get_order_by_id(order.id).filled_avg_price)
    weighted = sum(Decimal(a["qty"]) * Decimal(a["price"]) for a in (first, second)) / 10
    assert average == weighted == Decimal("349.2")


def test_pages_follow_page_token_in_either_direction(server: ExchangeServer, trading: TradingClient) -> None:
    for qty in range(1, 6):
        market(trading, "SPY", qty)
    newest = activities(server)
    assert [a["qty"] for a in newest] == ["5", "4", "3", "2", "1"]
    page1 = activities(server, page_size=2)
    page2 = activities(server, page_size=2, page_token=page1[-1]["id"])
    page3 = activities(server, page_size=2, page_token=page2[-1]["id"])
    assert [a["qty"] for a in page1 + page2 + page3] == ["5", "4", "3", "2", "1"]
    ascending = activities(server, direction="asc", page_size=3)
    assert [a["qty"] for a in ascending] == ["1", "2", "3"]
    rest = activities(server, direction="asc", page_size=3, page_token=ascending[-1]["id"])
    assert [a["qty"] for a in rest] == ["4", "5"]


def test_date_after_until_and_types_filter_the_feed(server: ExchangeServer, trading: TradingClient) -> None:
    market(trading, "AAPL", 1)
    [only] = activities(server)
    moment = datetime.fromisoformat(only["transaction_time"].replace("Z", "+00:00"))
    today = moment.astimezone(NEW_YORK).date()
    assert activities(server, date=today.isoformat()) == [only]
    assert activities(server, date=(today - timedelta(days=1)).isoformat()) == []
    before, after = (moment - timedelta(seconds=1)).isoformat(), (moment + timedelta(seconds=1)).isoformat()
    assert activities(server, after=before) == [only] == activities(server, until=after)
    assert activities(server, after=after) == [] == activities(server, until=before)
    assert activities(server, activity_types="FILL,DIV") == [only]
    assert activities(server, activity_types="DIV") == []
    assert activities(server, "/v2/account/activities/DIV") == []
    assert activities(server, category="non_trade_activity") == [] != activities(server, category="trade_activity")


@pytest.mark.parametrize("params", [{"activity_types": "NOPE"}, {"page_size": 0}, {"page_size": 101},
                                    {"direction": "sideways"}, {"page_token": "20240101000000000::x"},
                                    {"date": "2024-01-02", "after": "2024-01-01T00:00:00Z"}])
def test_bad_activity_queries_are_422(server: ExchangeServer, params: dict) -> None:
    response = requests.get(server.url + "/v2/account/activities", headers=HEADERS, params=params, timeout=10)
    assert response.status_code == 422 and set(response.json()) == {"code", "message"}


def test_accounts_see_only_their_own_fills(server: ExchangeServer, trading: TradingClient,
                                          live: TradingClient) -> None:
    market(live, "AAPL", 1)
    assert activities(server) == []
    market(trading, "AAPL", 2)
    assert [a["qty"] for a in activities(server)] == ["2"]
