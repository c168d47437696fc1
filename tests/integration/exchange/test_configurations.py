"""Account configurations through alpaca-py, and the order rules they switch on and off."""

from __future__ import annotations

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce, TradeConfirmationEmail
from alpaca.trading.requests import MarketOrderRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, Contract

HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def order(client: TradingClient, qty: float | None = None, side: OrderSide = OrderSide.BUY,
          notional: float | None = None) -> object:
    return client.submit_order(MarketOrderRequest(symbol="AAPL", qty=qty, notional=notional, side=side,
                                                  time_in_force=TimeInForce.DAY))


def test_configurations_round_trip_through_alpaca_py(server: ExchangeServer, trading: TradingClient,
                                                     margin: TradingClient, contract: Contract) -> None:
    body = requests.get(server.url + "/v2/account/configurations", headers=HEADERS, timeout=10).json()
    contract.check("trading", "AccountConfigurations", body)
    config = trading.get_account_configurations()
    assert (config.no_shorting, config.suspend_trade, config.fractional_trading) == (True, False, True)
    assert margin.get_account_configurations().no_shorting is False  # a shorting account may short
    config.trade_confirm_email = TradeConfirmationEmail.NONE
    config.suspend_trade = True
    saved = trading.set_account_configurations(config)
    assert saved.trade_confirm_email == TradeConfirmationEmail.NONE and saved.suspend_trade is True
    assert trading.get_account_configurations() == saved
    patched = requests.patch(server.url + "/v2/account/configurations", headers=HEADERS, timeout=10,
                             json={"suspend_trade": False})
    contract.check("trading", "AccountConfigurations", patched.json())
    assert patched.json()["suspend_trade"] is False and patched.json()["trade_confirm_email"] == "none"


def test_suspend_trade_blocks_new_orders(server: ExchangeServer, trading: TradingClient) -> None:
    config = trading.get_account_configurations()
    config.suspend_trade = True
    trading.set_account_configurations(config)
    with pytest.raises(APIError) as blocked:
        order(trading, 1)
    assert blocked.value.status_code == 403 and "suspend" in blocked.value.message
    assert trading.get_account().trade_suspended_by_user is True
    config.suspend_trade = False
    trading.set_account_configurations(config)
    assert order(trading, 1).filled_qty == "1"


def test_no_shorting_makes_a_margin_account_long_only(server: ExchangeServer, margin: TradingClient) -> None:
    config = margin.get_account_configurations()
    config.no_shorting = True
    margin.set_account_configurations(config)
    assert margin.get_account().shorting_enabled is False
    with pytest.raises(APIError) as refused:
        order(margin, 1, OrderSide.SELL)
    assert refused.value.status_code == 403 and "insufficient qty" in refused.value.message
    order(margin, 2)
    assert order(margin, 2, OrderSide.SELL).filled_qty == "2"  # selling what it holds is still fine
    config.no_shorting = False
    margin.set_account_configurations(config)
    order(margin, 1, OrderSide.SELL)
    assert margin.get_open_position("AAPL").qty == "-1"


def test_fractional_trading_off_refuses_fractions_and_notional(server: ExchangeServer,
                                                                trading: TradingClient) -> None:
    config = trading.get_account_configurations()
    config.fractional_trading = False
    trading.set_account_configurations(config)
    for qty, notional in ((0.5, None), (None, 100)):
        with pytest.raises(APIError) as refused:
            order(trading, qty, notional=notional)
        assert refused.value.status_code == 403 and "fractional" in refused.value.message
    assert order(trading, 2).filled_qty == "2"


@pytest.mark.parametrize("body", [{"no_shorting": False}, {"dtbp_check": "sometimes"},
                                  {"suspend_trade": "yes"}, {"max_margin_multiplier": "8"}])
def test_bad_configurations_are_422(server: ExchangeServer, body: dict) -> None:
    response = requests.patch(server.url + "/v2/account/configurations", headers=HEADERS, json=body, timeout=10)
    assert response.status_code == 422 and set(response.json()) == {"code", "message"}
