"""Orders on crypto pairs through alpaca-py's TradingClient: 24/7 under NYSE hours, fractional to 9
decimals, gtc/ioc only, notional buys, maker/taker fees as Alpaca takes them (a buy's in the coin, a
sale's in dollars, each posted as a CFEE activity), assets and positions of class crypto."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import AssetClass, OrderSide, TimeInForce
from alpaca.trading.models import NonTradeActivity
from alpaca.trading.requests import (
    GetAssetsRequest,
    GetPortfolioHistoryRequest,
    LimitOrderRequest,
    MarketOrderRequest,
    ReplaceOrderRequest,
)

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, wait_for
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG

CENT = Decimal("0.01")
NANO = Decimal("0.000000001")
HEADERS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
TAKER = Decimal("0.0025")


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CRYPTO_CONFIG) as running:
        yield running


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def coins(value: Decimal) -> Decimal:
    """A coin fee as the exchange rounds it (docs/exchange.md): half up to 1e-9."""
    return value.quantize(NANO, rounding=ROUND_HALF_UP)


def activities(server: ExchangeServer, kind: str = "FILL", **params: Any) -> list[dict]:
    return requests.get(f"{server.url}/v2/account/activities/{kind}", timeout=5, headers=HEADERS,
                        params=params).json()


def fill_activities(server: ExchangeServer) -> list[dict]:
    return activities(server)


def fills_of(server: ExchangeServer, order_id: object) -> list[tuple[Decimal, Decimal]]:
    """(qty, price) of each of the order's fills, oldest first."""
    return [(Decimal(a["qty"]), Decimal(a["price"])) for a in reversed(fill_activities(server))
            if a["order_id"] == str(order_id)]


def held(trading: TradingClient, symbol: str) -> Decimal:
    return next((Decimal(p.qty) for p in trading.get_all_positions() if p.symbol == symbol), Decimal(0))


def raw_order(server: ExchangeServer, order_id: object) -> dict:
    return requests.get(f"{server.url}/v2/orders/{order_id}", timeout=5,
                        headers={"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}).json()


def test_a_fractional_market_buy_fills_at_the_ask_and_pays_the_taker_fee_in_coin(
        server: ExchangeServer, trading: TradingClient, contract) -> None:
    server.pin_price("BTC/USD", "60000")
    cash = Decimal(trading.get_account().cash)
    order = trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.012345678, side=OrderSide.BUY,
                                                    time_in_force=TimeInForce.GTC))
    assert (order.symbol, order.asset_class, order.qty) == ("BTC/USD", AssetClass.CRYPTO, "0.012345678")
    wait_for(lambda: trading.get_order_by_id(order.id).status.value == "filled", 10, "the buy to fill")
    filled = trading.get_order_by_id(order.id)
    price = Decimal(str(filled.filled_avg_price))
    assert price > Decimal(60000)  # at the ask, though NYSE is shut for AAPL most of the day
    qty = Decimal("0.012345678")
    fills = fills_of(server, order.id)
    assert sum(q for q, _ in fills) == qty
    assert Decimal(trading.get_account().cash) == cash - sum(cents(q * p) for q, p in fills)  # no fee in USD
    fee = sum(coins(q * TAKER) for q, _ in fills)
    assert fee == Decimal("0.000030864") or len(fills) > 1  # 0.0000308641950, half up to 9 decimals
    body = raw_order(server, order.id)
    contract.check("trading", "Order", body)
    assert body["asset_class"] == "crypto" and body["qty"] == "0.012345678" == body["filled_qty"]
    position = trading.get_open_position("BTC/USD")
    assert (position.asset_class, Decimal(position.qty)) == (AssetClass.CRYPTO, qty - fee)
    assert trading.get_open_position("BTCUSD").symbol == "BTC/USD"  # alpaca-py's other spelling


def test_a_gtc_limit_rests_then_fills_when_the_price_goes_through_it_and_pays_the_maker_fee(
        server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("ETH/USD", "3000")
    cash = Decimal(trading.get_account().cash)
    order = trading.submit_order(LimitOrderRequest(symbol="ETH/USD", qty=1.5, side=OrderSide.BUY,
                                                   time_in_force=TimeInForce.GTC, limit_price=2950))
    wait_for(lambda: server.exchange.venue.accounts["paper"].orders[str(order.id)].rested, 5, "the limit to rest")
    assert trading.get_order_by_id(order.id).status.value == "new"
    server.pin_price("ETH/USD", "2940")
    wait_for(lambda: trading.get_order_by_id(order.id).status.value == "filled", 10, "the limit to fill")
    assert Decimal(str(trading.get_order_by_id(order.id).filled_avg_price)) <= Decimal(2950)
    fills = [(Decimal(a["qty"]), Decimal(a["price"])) for a in fill_activities(server)
             if a["order_id"] == str(order.id)]
    assert sum(q for q, _ in fills) == Decimal("1.5")  # in one or more fills (a share of each bar's volume)
    assert Decimal(trading.get_account().cash) == cash - sum(cents(q * p) for q, p in fills)
    fee = sum(coins(q * Decimal("0.0015")) for q, _ in fills)  # maker: 15 bps of each fill, in ETH
    assert Decimal(trading.get_open_position("ETH/USD").qty) == Decimal("1.5") - fee
    sold = trading.close_position("ETH/USD")  # a gtc market sell of what is held: crypto refuses day orders
    assert sold.time_in_force == TimeInForce.GTC
    wait_for(lambda: trading.get_all_positions() == [], 10, "the position to close")


def test_crypto_refuses_day_orders_shorts_and_sizes_below_its_minimum(
        server: ExchangeServer, trading: TradingClient) -> None:
    with pytest.raises(APIError) as day:
        trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.01, side=OrderSide.BUY,
                                                time_in_force=TimeInForce.DAY))
    assert day.value.status_code == 422
    assert (day.value.code, day.value.message) == (42210000, "invalid crypto time_in_force")
    with pytest.raises(APIError) as tiny:
        trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.00000001, side=OrderSide.BUY,
                                                time_in_force=TimeInForce.GTC))
    assert tiny.value.status_code == 422 and "min_order_size" in tiny.value.message
    with pytest.raises(APIError) as short:
        trading.submit_order(MarketOrderRequest(symbol="ETH/USD", qty=1, side=OrderSide.SELL,
                                                time_in_force=TimeInForce.GTC))
    assert short.value.status_code == 403


def test_a_notional_buy_gets_nine_decimals_of_coin(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("BTC/USD", "61234.56")
    order = trading.submit_order(MarketOrderRequest(symbol="BTCUSD", notional=250, side=OrderSide.BUY,
                                                    time_in_force=TimeInForce.IOC))
    assert order.symbol == "BTC/USD"
    wait_for(lambda: trading.get_order_by_id(order.id).status.value == "filled", 10, "the notional buy")
    filled = trading.get_order_by_id(order.id)
    qty = Decimal(str(filled.filled_qty))
    assert qty == (Decimal(250) / Decimal(str(filled.filled_avg_price))).quantize(Decimal("1e-9"), "ROUND_DOWN")


def test_crypto_assets_are_listed_by_class(server: ExchangeServer, trading: TradingClient, contract) -> None:
    pairs = trading.get_all_assets(GetAssetsRequest(asset_class=AssetClass.CRYPTO))
    assert sorted(a.symbol for a in pairs) == ["BTC/USD", "ETH/USD"]
    assert all(not a.shortable and a.fractionable and a.exchange.value == "CRYPTO" for a in pairs)
    body = requests.get(f"{server.url}/v2/assets/BTC/USD", timeout=5,
                        headers={"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}).json()
    assert (body["class"], body["min_order_size"]) == ("crypto", "0.000016667")
    contract.check("trading", "Assets", {**body, "exchange": "NASDAQ"})  # the document's enum lacks CRYPTO
    assert [a.symbol for a in trading.get_all_assets(GetAssetsRequest(asset_class=AssetClass.US_EQUITY))] == ["AAPL"]
    assert trading.get_account().crypto_status.value == "ACTIVE"  # the account may trade the listed pairs


def test_a_resting_crypto_limit_is_replaced_and_the_position_reads_as_crypto(
        server: ExchangeServer, trading: TradingClient, contract) -> None:
    server.pin_price("BTC/USD", "60000")
    bought = trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.05, side=OrderSide.BUY,
                                                     time_in_force=TimeInForce.GTC))
    wait_for(lambda: trading.get_order_by_id(bought.id).status.value == "filled", 10, "the buy to fill")
    resting = trading.submit_order(LimitOrderRequest(symbol="BTC/USD", qty=0.02, side=OrderSide.SELL,
                                                     time_in_force=TimeInForce.GTC, limit_price=70000))
    wait_for(lambda: trading.get_order_by_id(resting.id).status.value == "new", 5, "the limit to rest")
    replaced = trading.replace_order_by_id(resting.id, ReplaceOrderRequest(limit_price=69000))  # its qty is an int
    assert (replaced.replaces, replaced.asset_class, replaced.qty) == (resting.id, AssetClass.CRYPTO, "0.02")
    headers = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
    position = requests.get(f"{server.url}/v2/positions/BTCUSD", headers=headers, timeout=5).json()
    assert (position["symbol"], position["asset_class"], position["exchange"]) == ("BTC/USD", "crypto", "CRYPTO")
    contract.check("trading", "Position", {**position, "exchange": "NASDAQ"})  # the document's enum lacks CRYPTO


def test_half_a_bitcoin_bought_and_sold_pays_its_fees_as_alpaca_takes_them(
        server: ExchangeServer, trading: TradingClient, contract) -> None:
    """The buy's fee comes out of the coins, the sale's out of the dollars; both are CFEE activities,
    and portfolio history still ends at the account's equity."""
    server.pin_price("BTC/USD", "60000")
    cash = Decimal(trading.get_account().cash)
    bought = trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.5, side=OrderSide.BUY,
                                                     time_in_force=TimeInForce.GTC))
    wait_for(lambda: trading.get_order_by_id(bought.id).status.value == "filled", 20, "the buy to fill")
    buys = fills_of(server, bought.id)
    assert sum(q for q, _ in buys) == Decimal("0.5") == Decimal(str(trading.get_order_by_id(bought.id).filled_qty))
    coin_fees = [coins(q * TAKER) for q, _ in buys]
    position = held(trading, "BTC/USD")
    assert position == Decimal("0.5") - sum(coin_fees)
    if len(buys) == 1:  # in one fill: exactly 0.5 × (1 − 25 bps)
        assert position == Decimal("0.49875")
    assert abs(position - Decimal("0.49875")) <= len(buys) * NANO / 2  # in parts: each part's fee rounded
    assert Decimal(trading.get_account().cash) == cash - sum(cents(q * p) for q, p in buys)  # the value, no more

    with pytest.raises(APIError) as too_many:  # the qty ordered is no longer held
        trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=0.5, side=OrderSide.SELL,
                                                time_in_force=TimeInForce.GTC))
    assert too_many.value.status_code == 403
    before_sale = Decimal(trading.get_account().cash)
    sold = trading.submit_order(MarketOrderRequest(symbol="BTC/USD", qty=float(position), side=OrderSide.SELL,
                                                   time_in_force=TimeInForce.GTC))
    wait_for(lambda: trading.get_order_by_id(sold.id).status.value == "filled", 20, "the sale to fill")
    sales = fills_of(server, sold.id)
    usd_fees = [cents(q * p * TAKER) for q, p in sales]
    proceeds = sum(cents(q * p) for q, p in sales)
    assert Decimal(trading.get_account().cash) == before_sale + proceeds - sum(usd_fees)
    assert trading.get_all_positions() == []

    posted = activities(server, "CFEE", direction="asc")
    assert len(posted) == len(buys) + len(sales)
    for body in posted:
        contract.check("trading", "NonTradeActivities",  # the document says date-time; Alpaca sends a day
                       {**body, "date": body["date"] + "T00:00:00Z"})
        assert NonTradeActivity(**body).symbol == "BTCUSD"
    assert [(Decimal(a["qty"]), Decimal(a["price"]), a["net_amount"]) for a in posted[:len(buys)]] == [
        (-fee, p, "0") for fee, (_, p) in zip(coin_fees, buys, strict=True)]
    assert [(a.get("qty"), Decimal(a["net_amount"])) for a in posted[len(buys):]] == [(None, -fee) for fee in usd_fees]
    assert {a["description"] for a in posted} == {"Coin Pair Transaction Fee (Non USD)",
                                                  "Coin Pair Transaction Fee (USD)"}
    everything = requests.get(f"{server.url}/v2/account/activities", headers=HEADERS, timeout=5).json()
    assert [a["activity_type"] for a in everything].count("CFEE") == len(posted)
    assert requests.get(f"{server.url}/v2/account/activities", headers=HEADERS, timeout=5,
                        params={"category": "non_trade_activity"}).json() == list(reversed(posted))

    history = trading.get_portfolio_history(GetPortfolioHistoryRequest(
        period="1D", timeframe="1Min", intraday_reporting="continuous"))  # crypto: round the clock
    assert Decimal(str(history.equity[-1])) == Decimal(trading.get_account().equity) == cash + sum(
        cents(q * p) for q, p in sales) - sum(cents(q * p) for q, p in buys) - sum(usd_fees)
