"""Market data through alpaca-py's StockHistoricalDataClient: paging returns every bar exactly once,
history is reproducible, bars are valid OHLC stamped with their start, and pins show in the tape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.requests import StockBarsRequest, StockLatestBarRequest, StockLatestTradeRequest
from alpaca.data.timeframe import TimeFrame, TimeFrameUnit

from app.exchange import ExchangeConfig, ExchangeServer, SymbolConfig
from tests.integration.exchange.conftest import CONFIG, PAPER


def window(minutes: int) -> tuple[datetime, datetime]:
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    return end - timedelta(minutes=minutes), end


def test_paging_returns_every_bar_of_a_multi_page_range_exactly_once(
        server: ExchangeServer, data: StockHistoricalDataClient) -> None:
    start, end = window(150)
    request = StockBarsRequest(symbol_or_symbols=["MSFT", "AAPL"], timeframe=TimeFrame.Minute, start=start, end=end)
    pages = []
    original = data.get

    def counting_get(*args: object, **kwargs: object) -> object:
        response = original(*args, **kwargs)
        pages.append(response)
        return response

    data.get = counting_get  # type: ignore[method-assign]
    bars = data.get_stock_bars(request).data
    assert len(pages) == 4 and pages[-1]["next_page_token"] is None  # 302 bars, 100 per page
    for symbol in ("AAPL", "MSFT"):
        stamps = [b.timestamp for b in bars[symbol]]
        assert stamps == sorted(set(stamps)) and len(stamps) == 151
        assert stamps[0] == start and stamps[-1] == end
    again = StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=server.url)
    assert again.get_stock_bars(request).data == bars


def test_bars_are_valid_ohlc_stamped_with_their_start(data: StockHistoricalDataClient) -> None:
    start, end = window(30)
    bars = data.get_stock_bars(StockBarsRequest(symbol_or_symbols="SPY", start=start, end=end,
                                                timeframe=TimeFrame(5, TimeFrameUnit.Minute))).data["SPY"]
    assert [b.timestamp.minute % 5 for b in bars] == [0] * len(bars)
    for bar in bars:
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
        assert bar.low <= bar.vwap <= bar.high and bar.volume > 0 and bar.trade_count >= 1
    for earlier, later in zip(bars, bars[1:], strict=False):
        assert later.timestamp - earlier.timestamp == timedelta(minutes=5)


def test_daily_bars_are_stamped_at_new_york_midnight(data: StockHistoricalDataClient) -> None:
    end = datetime.now(UTC)
    bars = data.get_stock_bars(StockBarsRequest(symbol_or_symbols="AAPL", timeframe=TimeFrame.Day,
                                                start=end - timedelta(days=3), end=end)).data["AAPL"]
    assert bars and {b.timestamp.hour for b in bars} <= {4, 5}
    assert {b.timestamp.minute for b in bars} == {0}


def test_history_is_a_pure_function_of_seed_and_symbol(server: ExchangeServer) -> None:
    """Two exchanges with the same seed and anchor agree on any past window; another seed does not."""
    start, end = window(20)
    params = {"symbols": "AAPL", "timeframe": "1Min", "start": start.isoformat(), "end": end.isoformat()}
    anchor = datetime.fromtimestamp(server.exchange.anchor_ms / 1000, UTC)

    def fetch(seed: int) -> list:
        config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0),), accounts=CONFIG.accounts, seed=seed,
                                bar_seconds=1, anchor=anchor)
        with ExchangeServer(config) as other:
            headers = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
            return requests.get(other.url + "/v2/stocks/bars", params=params, headers=headers, timeout=10).json()

    assert fetch(CONFIG.seed) == fetch(CONFIG.seed)
    assert fetch(CONFIG.seed)["bars"]["AAPL"] != fetch(CONFIG.seed + 1)["bars"]["AAPL"]


def test_latest_bar_and_trade_follow_a_pinned_price(server: ExchangeServer,
                                                    data: StockHistoricalDataClient) -> None:
    server.pin_price("MSFT", "333.33")
    trade = data.get_stock_latest_trade(StockLatestTradeRequest(symbol_or_symbols="MSFT"))["MSFT"]
    assert trade.price == 333.33
    bar = data.get_stock_latest_bar(StockLatestBarRequest(symbol_or_symbols="MSFT"))["MSFT"]
    age = datetime.now(UTC) - bar.timestamp
    assert timedelta(seconds=1) <= age < timedelta(seconds=3)  # the last completed 1-second bar


def test_descending_sort_pages_backwards(server: ExchangeServer) -> None:
    start, end = window(10)
    headers = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}
    params = {"symbols": "AAPL", "timeframe": "1Min", "start": start.isoformat(), "end": end.isoformat(),
              "sort": "desc", "limit": 4}
    first = requests.get(server.url + "/v2/stocks/bars", params=params, headers=headers, timeout=10).json()
    second = requests.get(server.url + "/v2/stocks/bars", headers=headers, timeout=10,
                          params={**params, "page_token": first["next_page_token"]}).json()
    stamps = [b["t"] for b in first["bars"]["AAPL"] + second["bars"]["AAPL"]]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == 8


@pytest.mark.parametrize("timeframe", ["90Min", "2Week", "5Fortnight", ""])
def test_unsupported_timeframe_is_refused(data: StockHistoricalDataClient, timeframe: str) -> None:
    with pytest.raises(APIError) as refused:
        data.get("/stocks/bars", {"symbols": "AAPL", "timeframe": timeframe})
    assert refused.value.status_code == 400


def test_seconds_timeframe_extension_serves_the_base_bars(data: StockHistoricalDataClient) -> None:
    end = datetime.now(UTC) - timedelta(seconds=2)
    page = data.get("/stocks/bars", {"symbols": "AAPL", "timeframe": "1Sec", "start":
                                     (end - timedelta(seconds=9)).isoformat(), "end": end.isoformat()})
    assert len(page["bars"]["AAPL"]) in (9, 10)
