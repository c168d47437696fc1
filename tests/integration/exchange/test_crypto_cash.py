"""A crypto account is never lent money: an all-in market buy, checked at the last trade and filled at the ask
(in pieces, as the price moves), fills what the cash buys and the rest is canceled (trial 32: the account's
cash went to -$18.82 after such buys)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import MarketOrderRequest

from app.exchange import AccountConfig, ExchangeServer
from tests.integration.exchange.conftest import wait_for
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG

SMALL = AccountConfig("small", "SMALL-KEY", "SMALL-SECRET", "1000")


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(replace(CRYPTO_CONFIG, accounts=(SMALL,))) as running:
        yield running


def test_an_all_in_buy_at_the_last_trade_fills_what_the_cash_buys_at_the_ask(server: ExchangeServer) -> None:
    trading = TradingClient(SMALL.key, SMALL.secret, url_override=server.url)
    server.pin_price("BTC/USD", "60000")
    asked = Decimal("0.016666666")  # $999.99996 at the last trade: accepted; at the ask, over $1,000
    order = trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=float(asked), side=OrderSide.BUY,
                                                    time_in_force=TimeInForce.GTC))
    wait_for(lambda: trading.get_order_by_id(order.id).status.value in ("filled", "canceled"), 10, "the buy to end")
    done = trading.get_order_by_id(order.id)
    filled = Decimal(done.filled_qty)
    price = Decimal(str(done.filled_avg_price))
    assert price > Decimal(60000) and done.status.value == "canceled" and 0 < filled < asked
    cash = Decimal(trading.get_account().cash)
    assert Decimal(0) <= cash <= Decimal("0.01")  # all but what buys less than a qty step (and a cent's rounding)
