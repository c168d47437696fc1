"""Portfolio history: equity at each point is cash plus the positions marked at the exchange's price
then, to the cent, and the last point is the account's equity. The exchange runs on a hand-moved clock
so that every point falls where the test puts it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, TimeInForce
from alpaca.trading.requests import GetPortfolioHistoryRequest, MarketOrderRequest

from app.exchange import ExchangeConfig, ExchangeServer
from app.exchange.hours import MarketHours
from app.exchange.portfolio import parse_query, windows
from tests.integration.exchange.conftest import CONFIG, PAPER, Contract

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MINUTE = 60_000


class HandClock:
    def __init__(self) -> None:
        self.ms = int(START.timestamp() * 1000)

    def __call__(self) -> int:
        return self.ms

    def advance(self, minutes: float) -> None:
        self.ms += int(minutes * MINUTE)


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def hand_server(clock: HandClock) -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=CONFIG.symbols, accounts=(PAPER,), seed=3, bar_seconds=60, anchor=START)
    with ExchangeServer(config, clock=clock) as running:
        yield running


def trade(client: TradingClient, qty: int, side: OrderSide = OrderSide.BUY) -> None:
    client.submit_order(MarketOrderRequest(symbol="AAPL", qty=qty, side=side, time_in_force=TimeInForce.DAY))


def test_equity_is_cash_plus_marked_positions_at_every_point(hand_server: ExchangeServer, clock: HandClock,
                                                             contract: Contract) -> None:
    client = TradingClient(PAPER.key, PAPER.secret, url_override=hand_server.url)
    clock.advance(0.5)
    hand_server.pin_price("AAPL", "100")
    trade(client, 10)  # cash 99,000
    clock.advance(3)
    hand_server.pin_price("AAPL", "110")
    clock.advance(3)
    trade(client, 4, OrderSide.SELL)  # cash 99,440, 6 shares
    clock.advance(2)
    hand_server.pin_price("AAPL", "104.37")
    clock.advance(1.25)
    raw = requests.get(hand_server.url + "/v2/account/portfolio/history", timeout=10,
                       headers={"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret},
                       params={"period": "1D", "timeframe": "1Min"}).json()
    contract.check("trading", "PortfolioHistory", raw)
    history = client.get_portfolio_history(GetPortfolioHistoryRequest(period="1D", timeframe="1Min"))
    assert history.timeframe == "1Min" and history.base_value == 100_000
    start_s = int(START.timestamp())
    assert history.timestamp == [start_s + 60 * i for i in range(10)]  # 15:00 (opening) to 15:09 (now)
    equity = dict(zip(history.timestamp, history.equity, strict=True))
    assert equity[start_s] == 100_000  # bought 10 at 100, marked at 100
    assert equity[start_s + 4 * 60] == 99_000 + 10 * 110  # the window ending 15:05, after the pin to 110
    assert equity[start_s + 6 * 60] == 99_440 + 6 * 110  # sold 4 at 15:06:30, valued at 15:07
    account = client.get_account()
    marked = Decimal(account.cash) + 6 * Decimal("104.37")
    assert Decimal(account.cash) == Decimal("99440")
    assert Decimal(str(history.equity[-1])) == marked == Decimal(account.equity)
    assert Decimal(str(history.profit_loss[-1])) == marked - 100_000
    assert history.profit_loss_pct[-1] == pytest.approx(float((marked - 100_000) / 100_000))


def test_daily_points_and_a_date_before_the_account(hand_server: ExchangeServer, clock: HandClock) -> None:
    client = TradingClient(PAPER.key, PAPER.secret, url_override=hand_server.url)
    hand_server.pin_price("AAPL", "50")
    trade(client, 100)
    clock.advance(60 * 24)  # the next day
    hand_server.pin_price("AAPL", "51.5")
    daily = client.get_portfolio_history(GetPortfolioHistoryRequest(period="1W", timeframe="1D"))
    assert len(daily.timestamp) == 2 and daily.timeframe == "1D"
    assert daily.equity[-1] == 95_000 + 100 * 51.5 == float(client.get_account().equity)
    assert daily.base_value == 100_000
    since_opening = client.get_portfolio_history(GetPortfolioHistoryRequest(period="all"))
    assert (since_opening.timestamp, since_opening.equity) == (daily.timestamp, daily.equity)
    earlier = client.get_portfolio_history(GetPortfolioHistoryRequest(period="1W", date_end=datetime(2026, 2, 1)))
    assert (earlier.timestamp, earlier.equity) == ([], [])


def test_intraday_points_follow_nyse_hours_and_daily_points_its_sessions() -> None:
    """Pure computation (no server): which windows a history reports under `--hours nyse`."""
    from app.exchange.hours import MarketHours
    from app.exchange.portfolio import Book, history, parse_query
    from app.exchange.timefmt import NEW_YORK

    hours = MarketHours("nyse")
    now = int(datetime(2026, 3, 4, 17, 0, tzinfo=NEW_YORK).timestamp() * 1000)  # a Wednesday, after the close
    book = Book(Decimal("1000"), {"AAPL": Decimal("2")}, (), created_ms=0)

    def body(**args: str) -> dict:
        return history(book, parse_query(args, hours, now), hours, lambda symbol, ms: Decimal("10.5"))

    regular = body(period="1D", timeframe="15Min")
    stamps = [datetime.fromtimestamp(s, NEW_YORK).strftime("%H:%M") for s in regular["timestamp"]]
    assert (len(stamps), stamps[0], stamps[-1]) == (26, "09:30", "15:45")
    assert set(regular["equity"]) == {1021.0} and regular["base_value"] == 1021.0
    extended = body(period="1D", timeframe="15Min", extended_hours="true")
    assert len(extended["timestamp"]) == 52  # 04:00 to 16:45: the 17:00 window has not begun
    daily = body(period="1W", timeframe="1D")
    days = [datetime.fromtimestamp(s, NEW_YORK) for s in daily["timestamp"]]
    assert [d.strftime("%a %H:%M") for d in days] == ["Thu 00:00", "Fri 00:00", "Mon 00:00", "Tue 00:00",
                                                     "Wed 00:00"]
    assert body(date_start="2026-03-03", timeframe="1D")["timestamp"] == daily["timestamp"][-2:]  # the JS SDK's
    before_open = int(datetime(2026, 3, 4, 8, 0, tzinfo=NEW_YORK).timestamp() * 1000)
    rolled = history(book, parse_query({"period": "1D", "timeframe": "15Min"}, hours, before_open), hours,
                     lambda symbol, ms: Decimal("10.5"))
    assert len(rolled["timestamp"]) == 26 and rolled["timestamp"][0] == regular["timestamp"][0] - 86_400
    assert body(period="2D", timeframe="1H")["timestamp"][0] == int(
        datetime(2026, 3, 3, 9, 0, tzinfo=NEW_YORK).timestamp())  # two trading days: Tuesday's first hour


def test_intraday_reporting_is_checked_and_continuous_keeps_every_minute() -> None:
    hours = MarketHours("nyse")
    shut = 1_767_355_200_000 + 86_400_000  # 2026-01-03 12:00 UTC, a Saturday: the market is shut
    continuous = parse_query({"period": "1D", "timeframe": "1Min", "intraday_reporting": "continuous",
                              "start": "2026-01-03T11:00:00Z"}, hours, shut)
    assert len(windows(continuous, hours, 0)) == 60  # 11:00-12:00 UTC on a Saturday, every minute
    market = parse_query({"period": "1D", "timeframe": "1Min", "start": "2026-01-03T11:00:00Z"}, hours, shut)
    assert windows(market, hours, 0) == []
    with pytest.raises(Exception, match="intraday_reporting must be market_hours, extended_hours or continuous"):
        parse_query({"intraday_reporting": "always"}, hours, shut)
