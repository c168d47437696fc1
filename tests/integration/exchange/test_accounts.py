"""Accounts: cash and positions agree to the cent after fills, positions close, accounts never cross,
and shorting is an account option."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, PositionSide, TimeInForce
from alpaca.trading.requests import ClosePositionRequest, LimitOrderRequest, MarketOrderRequest

from app.exchange import ExchangeConfig, ExchangeServer
from tests.integration.exchange.conftest import CONFIG, PAPER

BUY, SELL, DAY = OrderSide.BUY, OrderSide.SELL, TimeInForce.DAY


def buy(client: TradingClient, symbol: str, qty: float | None = None, notional: float | None = None,
        side: OrderSide = BUY) -> None:
    client.submit_order(MarketOrderRequest(symbol=symbol, qty=qty, notional=notional, side=side,
                                           time_in_force=DAY))


def test_positions_and_cash_agree_to_the_cent_after_fills(server: ExchangeServer,
                                                          trading: TradingClient) -> None:
    server.pin_price("AAPL", "190.13")
    buy(trading, "AAPL", 7)
    server.pin_price("AAPL", "191.07")
    buy(trading, "AAPL", 3)
    server.pin_price("MSFT", "410.55")
    buy(trading, "MSFT", notional=1000)
    position = trading.get_open_position("AAPL")
    assert position.qty == "10" and position.side == PositionSide.LONG
    assert Decimal(position.avg_entry_price) == Decimal("190.412")
    assert Decimal(position.cost_basis) == Decimal("1904.12")
    assert Decimal(position.market_value) == Decimal("1910.7")
    assert Decimal(position.unrealized_pl) == Decimal("6.58")
    msft = trading.get_open_position("MSFT")
    assert Decimal(msft.qty) == Decimal("2.435756911")  # $1000 / 410.55, truncated to 9 decimals
    account = trading.get_account()
    spent = Decimal("1904.12") + (Decimal(msft.qty) * Decimal("410.55")).quantize(Decimal("0.01"))
    assert Decimal(account.cash) == Decimal("100000") - spent
    equity = Decimal(account.cash) + Decimal(position.market_value) + Decimal(msft.market_value)
    assert Decimal(account.equity) == equity
    assert Decimal(account.long_market_value) == Decimal(position.market_value) + Decimal(msft.market_value)


def test_selling_realises_pnl_and_closes_the_position(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("SPY", "500")
    buy(trading, "SPY", 4)
    server.pin_price("SPY", "512.5")
    closing = trading.close_position("SPY", ClosePositionRequest(qty="1"))
    assert closing.side == SELL and closing.filled_qty == "1"
    assert trading.get_open_position("SPY").qty == "3"
    trading.close_position("SPY")
    with pytest.raises(APIError) as gone:
        trading.get_open_position("SPY")
    assert gone.value.status_code == 404
    assert Decimal(trading.get_account().cash) == Decimal("100000") + 4 * Decimal("12.5")
    assert server.snapshot()["accounts"]["paper"]["realized_pl"] == "50"
    with pytest.raises(APIError) as nothing:
        trading.close_position("SPY")
    assert nothing.value.status_code == 404


def test_close_position_by_percentage(server: ExchangeServer, trading: TradingClient) -> None:
    server.pin_price("AAPL", "100")
    buy(trading, "AAPL", 10)
    order = trading.close_position("AAPL", ClosePositionRequest(percentage="25"))
    assert order.qty == "2.5"
    assert trading.get_open_position("AAPL").qty == "7.5"


def test_cash_account_cannot_sell_what_it_does_not_hold(server: ExchangeServer,
                                                        trading: TradingClient) -> None:
    with pytest.raises(APIError) as refused:
        buy(trading, "AAPL", 1, side=SELL)
    assert (refused.value.status_code, refused.value.code) == (403, 40310000)
    buy(trading, "AAPL", 2)
    trading.submit_order(LimitOrderRequest(symbol="AAPL", qty=2, side=SELL, time_in_force=DAY,
                                           limit_price=100_000))
    assert trading.get_open_position("AAPL").qty_available == "0"
    with pytest.raises(APIError) as held:
        buy(trading, "AAPL", 1, side=SELL)
    assert held.value.status_code == 403 and "insufficient qty" in held.value.message


def test_shorting_account_sells_short_and_covers(server: ExchangeServer, margin: TradingClient) -> None:
    server.pin_price("MSFT", "400")
    buy(margin, "MSFT", 10, side=SELL)
    position = margin.get_open_position("MSFT")
    assert (position.qty, position.side) == ("-10", PositionSide.SHORT)
    account = margin.get_account()
    assert Decimal(account.cash) == Decimal("104000")
    assert Decimal(account.short_market_value) == Decimal("-4000")
    assert Decimal(account.buying_power) == Decimal("96000")  # 100% margin held on the short
    server.pin_price("MSFT", "390")
    buy(margin, "MSFT", 10)
    assert margin.get_all_positions() == []
    assert Decimal(margin.get_account().cash) == Decimal("100100")
    with pytest.raises(APIError):
        buy(margin, "MSFT", 0.5, side=SELL)  # no fractional shorts


def test_two_accounts_never_cross(server: ExchangeServer, trading: TradingClient, live: TradingClient) -> None:
    buy(trading, "AAPL", 1)
    resting = live.submit_order(LimitOrderRequest(symbol="MSFT", qty=1, side=BUY, time_in_force=DAY,
                                                  limit_price=1, client_order_id="shared-id"))
    trading.submit_order(LimitOrderRequest(symbol="MSFT", qty=1, side=BUY, time_in_force=DAY, limit_price=1,
                                           client_order_id="shared-id"))  # unique per account only
    assert [p.symbol for p in trading.get_all_positions()] == ["AAPL"]
    assert live.get_all_positions() == []
    assert Decimal(live.get_account().cash) == Decimal("50000")
    assert trading.get_account().id != live.get_account().id
    with pytest.raises(APIError) as foreign:
        trading.get_order_by_id(resting.id)
    assert foreign.value.status_code == 404
    with pytest.raises(APIError):
        trading.cancel_order_by_id(resting.id)
    assert live.get_order_by_client_id("shared-id").id == resting.id


def test_wrong_keys_are_401_with_an_alpaca_body(server: ExchangeServer) -> None:
    stranger = TradingClient("PAPER-KEY", "wrong-secret", url_override=server.url)
    with pytest.raises(APIError) as refused:
        stranger.get_account()
    assert (refused.value.status_code, refused.value.code) == (401, 40110000)


def test_accounts_can_be_added_at_runtime(server: ExchangeServer) -> None:
    from app.exchange import AccountConfig

    server.add_account(AccountConfig("extra", "EXTRA-KEY", "EXTRA-SECRET", "2500"))
    client = TradingClient("EXTRA-KEY", "EXTRA-SECRET", url_override=server.url)
    assert client.get_account().cash == "2500"


def test_last_equity_of_an_account_opened_today_is_its_opening_cash(server: ExchangeServer,
                                                                    trading: TradingClient) -> None:
    server.pin_price("AAPL", "190.13")
    buy(trading, "AAPL", 10)
    server.pin_price("AAPL", "188.91")
    account = trading.get_account()
    assert Decimal(account.last_equity) == Decimal("100000")
    assert Decimal(account.equity) - Decimal(account.last_equity) == 10 * (Decimal("188.91") - Decimal("190.13"))


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.set(moment)

    def __call__(self) -> int:
        return self.ms

    def set(self, moment: datetime) -> None:
        self.ms = int(moment.timestamp() * 1000)


def test_last_equity_is_the_equity_portfolio_history_shows_at_the_previous_close() -> None:
    new_york = ZoneInfo("America/New_York")
    clock = Clock(datetime(2026, 12, 1, 10, 0, tzinfo=new_york))  # a Tuesday
    config = ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=11, bar_seconds=1, hours="nyse",
                            anchor=datetime(2026, 11, 30, 9, 30, tzinfo=new_york), tick_seconds=0.01)
    headers = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
    with ExchangeServer(config, clock=clock) as server:
        def get(path: str, **params: str) -> dict:
            answer = requests.get(f"{server.url}{path}", headers=headers, params=params, timeout=10)
            assert answer.status_code == 200, answer.text
            return answer.json()

        order = requests.post(f"{server.url}/v2/orders", headers=headers, timeout=10, json={
            "symbol": "AAPL", "qty": "10", "side": "buy", "type": "market", "time_in_force": "day"}).json()
        assert order["status"] == "filled", order
        assert Decimal(get("/v2/account")["last_equity"]) == Decimal("100000")  # opened after Monday's close

        clock.set(datetime(2026, 12, 2, 11, 0, tzinfo=new_york))  # Wednesday: Tuesday's close is the last one
        account = get("/v2/account")
        history = get("/v2/account/portfolio/history", period="1W", timeframe="1D")
        tuesday = int(datetime(2026, 12, 1, tzinfo=new_york).timestamp())
        at_close = Decimal(str(history["equity"][history["timestamp"].index(tuesday)]))
        cash = Decimal(account["cash"])
        assert Decimal(account["last_equity"]) == at_close
        assert at_close == cash + 10 * Decimal(str(server.exchange.market.last_close(
            "AAPL", int(datetime(2026, 12, 1, 16, 0, tzinfo=new_york).timestamp() * 1000)))).quantize(Decimal("0.01"))
        assert Decimal(account["last_equity"]) != Decimal("100000")
