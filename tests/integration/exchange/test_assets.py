"""Assets: one by symbol or by id, and the list filtered by status, asset class and exchange; positions
by asset id."""

from __future__ import annotations

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import AssetClass, AssetExchange, AssetStatus, OrderSide, TimeInForce
from alpaca.trading.requests import ClosePositionRequest, GetAssetsRequest, MarketOrderRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def test_an_asset_is_found_by_symbol_or_by_id(server: ExchangeServer, trading: TradingClient,
                                              contract: Contract) -> None:
    by_symbol = trading.get_asset("MSFT")
    by_id = trading.get_asset(by_symbol.id)
    assert by_id == by_symbol and by_id.symbol == "MSFT" and by_id.asset_class == AssetClass.US_EQUITY
    body = requests.get(f"{server.url}/v2/assets/{by_symbol.id}", headers=HEADERS, timeout=10).json()
    contract.check("trading", "Assets", body)
    with pytest.raises(APIError) as unknown:
        trading.get_asset("6b3d2b6e-0000-4d43-9a3e-6f1f4c0a5e11")
    assert unknown.value.status_code == 404


def test_the_asset_list_honours_alpacas_filters(server: ExchangeServer, trading: TradingClient,
                                               contract: Contract) -> None:
    every = trading.get_all_assets()
    assert sorted(a.symbol for a in every) == ["AAPL", "MSFT", "SPY"]
    active = trading.get_all_assets(GetAssetsRequest(status=AssetStatus.ACTIVE, asset_class=AssetClass.US_EQUITY))
    assert active == every
    assert trading.get_all_assets(GetAssetsRequest(status=AssetStatus.INACTIVE)) == []
    assert trading.get_all_assets(GetAssetsRequest(asset_class=AssetClass.CRYPTO)) == []
    assert len(trading.get_all_assets(GetAssetsRequest(exchange=AssetExchange.NASDAQ))) == 3
    assert trading.get_all_assets(GetAssetsRequest(exchange=AssetExchange.NYSE)) == []
    body = requests.get(f"{server.url}/v2/assets", headers=HEADERS, params={"status": "active"}, timeout=10)
    contract.check("trading", "Assets", body.json(), array=True)
    bad = requests.get(f"{server.url}/v2/assets", headers=HEADERS, params={"status": "dormant"}, timeout=10)
    assert bad.status_code == 422


def test_a_position_is_found_and_closed_by_its_asset_id(server: ExchangeServer, trading: TradingClient) -> None:
    trading.submit_order(MarketOrderRequest(symbol="SPY", qty=4, side=OrderSide.BUY, time_in_force=TimeInForce.DAY))
    spy = trading.get_asset("SPY").id
    assert trading.get_open_position(spy).qty == "4"
    assert trading.close_position(spy, ClosePositionRequest(qty="1")).filled_qty == "1"
    assert trading.get_open_position("SPY").qty == "3"
    with pytest.raises(APIError) as none:
        trading.get_open_position(trading.get_asset("AAPL").id)
    assert none.value.status_code == 404
