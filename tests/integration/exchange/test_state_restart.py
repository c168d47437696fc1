"""`--state FILE`: fills (as activities), watchlists, account configurations and replaced orders (with
their replaced_by/replaces links and their place among an OCO's legs) survive a restart."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderClass, OrderSide, TimeInForce
from alpaca.trading.requests import (
    CreateWatchlistRequest,
    LimitOrderRequest,
    MarketOrderRequest,
    ReplaceOrderRequest,
    StopLossRequest,
    TakeProfitRequest,
)

from app.exchange import ExchangeConfig, ExchangeServer
from tests.integration.exchange.conftest import CONFIG, PAPER, Contract, wait_for

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def test_activities_watchlists_and_configurations_survive_a_restart(tmp_path: Path) -> None:
    config = ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=5, bar_seconds=1,
                            state_file=tmp_path / "exchange.json")
    with ExchangeServer(config) as first:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=first.url)
        first.pin_price("AAPL", "123.45")
        client.submit_order(MarketOrderRequest(symbol="AAPL", qty=7, side=OrderSide.BUY,
                                               time_in_force=TimeInForce.DAY))
        watchlist = client.create_watchlist(CreateWatchlistRequest(name="kept", symbols=["SPY", "AAPL"]))
        settings = client.get_account_configurations()
        settings.fractional_trading = False
        client.set_account_configurations(settings)
        before = requests.get(first.url + "/v2/account/activities", headers=HEADERS, timeout=10).json()
    assert [(a["qty"], a["price"]) for a in before] == [("7", "123.45")]
    with ExchangeServer(config) as second:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=second.url)
        after = requests.get(second.url + "/v2/account/activities", headers=HEADERS, timeout=10).json()
        assert after == before
        kept = client.get_watchlist_by_id(watchlist.id)
        assert kept.name == "kept" and [a.symbol for a in kept.assets] == ["SPY", "AAPL"]
        assert client.get_account_configurations().fractional_trading is False
        assert client.get_open_position("AAPL").qty == "7"


def test_replaced_orders_and_their_links_survive_a_restart(tmp_path: Path, contract: Contract) -> None:
    config = ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=5, bar_seconds=1,
                            state_file=tmp_path / "exchange.json")
    with ExchangeServer(config) as first:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=first.url)  # AAPL near 190, unpinned
        client.submit_order(MarketOrderRequest(symbol="AAPL", qty=10, side=OrderSide.BUY,
                                               time_in_force=TimeInForce.GTC))
        limit = client.submit_order(LimitOrderRequest(symbol="AAPL", qty=5, side=OrderSide.BUY, limit_price=90,
                                                      time_in_force=TimeInForce.GTC))
        middle = client.replace_order_by_id(limit.id, ReplaceOrderRequest(limit_price=91))
        last = client.replace_order_by_id(middle.id, ReplaceOrderRequest(limit_price=92, qty=4))
        oco = client.submit_order(LimitOrderRequest(symbol="AAPL", qty=10, side=OrderSide.SELL,
                                                    time_in_force=TimeInForce.GTC, order_class=OrderClass.OCO,
                                                    take_profit=TakeProfitRequest(limit_price=300),
                                                    stop_loss=StopLossRequest(stop_price=100)))
        stop = client.replace_order_by_id(oco.legs[0].id, ReplaceOrderRequest(stop_price=150))
        before = {str(o): requests.get(f"{first.url}/v2/orders/{o}", headers=HEADERS, timeout=10).json()
                  for o in (limit.id, middle.id, last.id, oco.id, oco.legs[0].id, stop.id)}
    saved = (tmp_path / "exchange.json").read_text()
    assert "pending_replace" not in saved  # a replace is done before the state is written
    with ExchangeServer(config) as second:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=second.url)
        after = {o: requests.get(f"{second.url}/v2/orders/{o}", headers=HEADERS, timeout=10).json() for o in before}
        assert after == before
        for body in after.values():
            contract.check("trading", "Order", body)
        chain = [after[str(o)] for o in (limit.id, middle.id, last.id)]
        assert [(o["status"], o["replaced_by"], o["replaces"]) for o in chain] == [
            ("replaced", str(middle.id), None), ("replaced", str(last.id), str(limit.id)),
            ("new", None, str(middle.id))]
        assert [leg["id"] for leg in after[str(oco.id)]["legs"]] == [str(stop.id)]
        assert after[str(oco.legs[0].id)]["status"] == "replaced"
        refused = requests.delete(f"{second.url}/v2/orders/{limit.id}", headers=HEADERS, timeout=10)
        assert (refused.status_code, refused.json()["code"]) == (422, 42210000)  # still final after the restart
        second.pin_price("AAPL", "149")  # through the replaced stop (150), not the old one (100)
        wait_for(lambda: client.get_order_by_id(stop.id).status.value == "filled", what="the replaced stop to fill")
        assert Decimal(str(client.get_order_by_id(stop.id).filled_avg_price)) == Decimal(149)
        second.pin_price("AAPL", "91.50")  # through the last replacement's limit (92), not the first one's (90)
        wait_for(lambda: client.get_order_by_id(last.id).status.value == "filled", what="the last replacement to fill")
        assert client.get_order_by_id(oco.id).status.value == "canceled"
        assert client.get_open_position("AAPL").qty == "4"  # 10 bought, 10 stopped out, 4 bought by the last limit
