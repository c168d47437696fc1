"""`opg` and `cls` orders on an exchange with NYSE hours and a clock the test moves: refused inside
Alpaca's windows, filled in full at the session's opening or closing price, a limit only when that
price reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests

from app.exchange import ExchangeConfig, ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract, wait_for

NEW_YORK = ZoneInfo("America/New_York")
HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def ny_ms(hour: int, minute: int, day: int = 1) -> int:
    return int(datetime(2026, 12, day, hour, minute, tzinfo=NEW_YORK).timestamp() * 1000)


class Clock:
    def __init__(self) -> None:
        self.now = ny_ms(9, 0)

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def nyse() -> Iterator[tuple[ExchangeServer, Clock]]:
    clock = Clock()
    config = ExchangeConfig(accounts=(PAPER,), hours="nyse", seed=5, anchor=datetime(2026, 11, 30, tzinfo=NEW_YORK))
    with ExchangeServer(config, clock=clock) as server:
        yield server, clock


def order(server: ExchangeServer, **body: object) -> requests.Response:
    return requests.post(f"{server.url}/v2/orders", headers=HEADERS, timeout=5,
                         json={"symbol": "AAPL", "qty": 10, "side": "buy", "type": "market", **body})


def get(server: ExchangeServer, path: str, **params: object) -> dict:
    return requests.get(f"{server.url}{path}", headers=HEADERS, params=params, timeout=5).json()


def minute_bar(server: ExchangeServer, hour: int, minute: int) -> dict:
    start = datetime(2026, 12, 1, hour, minute, tzinfo=NEW_YORK).isoformat()
    return get(server, "/v2/stocks/AAPL/bars", timeframe="1Min", start=start, limit=1)["bars"][0]


def test_opg_orders_fill_at_the_opening_price_and_are_refused_from_0928(
        nyse: tuple[ExchangeServer, Clock], contract: Contract) -> None:
    server, clock = nyse
    moo = order(server, time_in_force="opg")
    assert moo.status_code == 200, moo.text
    contract.check("trading", "Order", moo.json())
    assert (moo.json()["status"], moo.json()["time_in_force"]) == ("accepted", "opg")
    far = order(server, time_in_force="opg", type="limit", limit_price=1, side="buy").json()
    clock.now = ny_ms(9, 29)
    late = order(server, time_in_force="opg")
    assert late.status_code == 422 and "09:28" in late.json()["message"]
    clock.now = ny_ms(9, 30, ) + 500
    wait_for(lambda: get(server, f"/v2/orders/{moo.json()['id']}")["status"] == "filled", what="the opening auction")
    filled = get(server, f"/v2/orders/{moo.json()['id']}")
    clock.now = ny_ms(9, 32)
    opening = minute_bar(server, 9, 30)
    assert Decimal(filled["filled_avg_price"]) == Decimal(str(opening["o"])) and filled["filled_qty"] == "10"
    assert get(server, f"/v2/orders/{far['id']}")["status"] == "canceled"  # a limit the open did not reach


def test_cls_orders_fill_at_the_closing_price_and_are_refused_from_1550(nyse: tuple[ExchangeServer, Clock]) -> None:
    server, clock = nyse
    clock.now = ny_ms(15, 0)
    moc = order(server, time_in_force="cls").json()
    assert moc["status"] == "accepted"
    clock.now = ny_ms(15, 50)
    late = order(server, time_in_force="cls")
    assert late.status_code == 422 and "19:00" in late.json()["message"]
    clock.now = ny_ms(16, 0) + 500
    wait_for(lambda: get(server, f"/v2/orders/{moc['id']}")["status"] == "filled", what="the closing auction")
    closing = minute_bar(server, 15, 59)
    assert Decimal(get(server, f"/v2/orders/{moc['id']}")["filled_avg_price"]) == Decimal(str(closing["c"]))
    clock.now = ny_ms(19, 30)  # after 19:00 an opg joins the next session's auction
    tomorrow = order(server, time_in_force="opg").json()
    assert tomorrow["status"] == "accepted"


def test_auction_orders_are_refused_where_they_cannot_exist(nyse: tuple[ExchangeServer, Clock]) -> None:
    server, _ = nyse
    assert "market or limit" in order(server, time_in_force="opg", type="stop", stop_price=500).json()["message"]
    with ExchangeServer(ExchangeConfig(accounts=(PAPER,))) as always:  # --hours always: no sessions, no auctions
        refused = order(always, time_in_force="cls")
        assert refused.status_code == 422 and "--hours always" in refused.json()["message"]
