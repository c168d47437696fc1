"""`--state FILE` keeps crypto: a fractional BTC/USD position net of its coin fee, its cash, a resting gtc
limit (still of class crypto, still maker-priced when it fills) and the CFEE activities, across a restart;
portfolio history still ends at the account's equity."""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import AssetClass, OrderSide, TimeInForce
from alpaca.trading.requests import GetPortfolioHistoryRequest, LimitOrderRequest, MarketOrderRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, wait_for
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG

CENT = Decimal("0.01")  # the exchange settles each fill and fee half up
HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


def test_crypto_positions_orders_and_fees_survive_a_restart(tmp_path: Path) -> None:
    config = dataclasses.replace(CRYPTO_CONFIG, state_file=tmp_path / "exchange.json")
    with ExchangeServer(config) as first:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=first.url)
        first.pin_price("BTC/USD", "50000")
        bought = client.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.25, side=OrderSide.BUY,
                                                        time_in_force=TimeInForce.GTC))
        wait_for(lambda: client.get_order_by_id(bought.id).status.value == "filled", 10, "the buy to fill")
        resting = client.submit_order(LimitOrderRequest(symbol="BTC/USD", qty=0.1, side=OrderSide.SELL,
                                                        time_in_force=TimeInForce.GTC, limit_price=1_000_000))
        wait_for(lambda: first.exchange.venue.accounts["paper"].orders[str(resting.id)].rested, 5, "the limit to rest")
        cash = client.get_account().cash
        activities = requests.get(first.url + "/v2/account/activities", headers=HEADERS, timeout=10).json()
    bought_fills = [a for a in activities if a["activity_type"] == "FILL"]
    assert Decimal(cash) == Decimal(100000) - sum(
        (Decimal(a["qty"]) * Decimal(a["price"])).quantize(CENT, ROUND_HALF_UP) for a in bought_fills)  # no USD fee
    fees = [a for a in activities if a["activity_type"] == "CFEE"]
    assert sum(Decimal(a["qty"]) for a in fees) == Decimal("-0.000625") and len(fees) == len(bought_fills)
    with ExchangeServer(config) as second:
        client = TradingClient(PAPER.key, PAPER.secret, url_override=second.url)
        assert client.get_account().cash == cash
        position = client.get_open_position("BTC/USD")
        assert (position.qty, position.asset_class) == ("0.249375", AssetClass.CRYPTO)  # 0.25 less 25 bps in BTC
        kept = client.get_order_by_id(resting.id)
        assert (kept.status.value, kept.asset_class, kept.time_in_force) == ("new", AssetClass.CRYPTO, TimeInForce.GTC)
        assert requests.get(second.url + "/v2/account/activities", headers=HEADERS, timeout=10).json() == activities
        second.pin_price("BTC/USD", "1000500")  # pins do not survive: only the price process
        wait_for(lambda: client.get_order_by_id(resting.id).status.value == "filled", 10, "the limit to fill")
        kept_cash = Decimal(cash)
        entries = second.exchange.venue.accounts["paper"].activities
        sold = [a for a in entries if a.order_id == str(resting.id) and a.activity_type == "FILL"]
        charged = [a for a in entries if a.order_id == str(resting.id) and a.activity_type == "CFEE"]
        maker = [(Decimal(a.qty) * Decimal(a.price) * Decimal("0.0015")).quantize(CENT, ROUND_HALF_UP) for a in sold]
        assert [Decimal(a.usd) for a in charged] == maker  # maker: it rested before the restart
        proceeds = sum((Decimal(a.qty) * Decimal(a.price)).quantize(CENT, ROUND_HALF_UP) for a in sold)
        account = client.get_account()
        assert Decimal(account.cash) == kept_cash + proceeds - sum(maker)
        assert client.get_open_position("BTC/USD").qty == "0.149375"
        history = client.get_portfolio_history(GetPortfolioHistoryRequest(
            period="1D", timeframe="1Min", intraday_reporting="continuous"))  # crypto: round the clock
        assert Decimal(str(history.equity[-1])) == Decimal(account.equity)
