"""`--state FILE`: fills (as activities), watchlists and account configurations survive a restart."""

from __future__ import annotations

from pathlib import Path

import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import CreateWatchlistRequest, MarketOrderRequest

from app.exchange import ExchangeConfig, ExchangeServer
from tests.integration.exchange.conftest import CONFIG, PAPER

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
