"""Quotes, trades and snapshots through alpaca-py's StockHistoricalDataClient: bid below ask, every trade
inside its bar's range with the bar's volume, paging returns every print once, snapshots agree with bars."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.requests import (
    StockLatestQuoteRequest,
    StockLatestTradeRequest,
    StockQuotesRequest,
    StockSnapshotRequest,
    StockTradesRequest,
)

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import Contract


def seconds_window(seconds: int) -> tuple[datetime, datetime]:
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2)
    return end - timedelta(seconds=seconds), end


def second_bars(data: StockHistoricalDataClient, symbol: str, start: datetime, end: datetime) -> dict[datetime, dict]:
    page = data.get("/stocks/bars", {"symbols": symbol, "timeframe": "1Sec", "start": start.isoformat(),
                                     "end": end.isoformat(), "limit": 10_000})
    assert page["next_page_token"] is None
    return {datetime.fromisoformat(b["t"].replace("Z", "+00:00")): b for b in page["bars"][symbol]}


def test_every_trade_prints_inside_its_bar_and_the_prints_add_up_to_its_volume(
        data: StockHistoricalDataClient, contract: Contract) -> None:
    start, end = seconds_window(60)
    raw = data.get("/stocks/trades", {"symbols": "AAPL,MSFT", "start": start.isoformat(), "end": end.isoformat(),
                                      "limit": 50})
    contract.check("data", "MultiTradesResponse", raw)
    trades = data.get_stock_trades(StockTradesRequest(symbol_or_symbols=["AAPL", "MSFT"], start=start,
                                                      end=end + timedelta(seconds=1) - timedelta(microseconds=1)))
    for symbol in ("AAPL", "MSFT"):
        bars = second_bars(data, symbol, start, end)
        volume: dict[datetime, float] = defaultdict(float)
        for trade in trades.data[symbol]:
            second = trade.timestamp.replace(microsecond=0)
            bar = bars[second]
            assert bar["l"] <= trade.price <= bar["h"], (trade, bar)
            volume[second] += trade.size
        assert len(bars) == 61
        assert {t: int(v) for t, v in volume.items()} == {t: b["v"] for t, b in bars.items()}
        assert len(trades.data[symbol]) == sum(b["n"] for b in bars.values())  # one print per reported trade


def test_quotes_put_the_bid_below_the_ask_around_each_trade(
        data: StockHistoricalDataClient, contract: Contract) -> None:
    start, end = seconds_window(20)
    raw = data.get("/stocks/quotes", {"symbols": "SPY", "start": start.isoformat(), "end": end.isoformat()})
    contract.check("data", "MultiQuotesReponse", raw)
    quotes = data.get_stock_quotes(StockQuotesRequest(symbol_or_symbols="SPY", start=start, end=end)).data["SPY"]
    trades = data.get_stock_trades(StockTradesRequest(symbol_or_symbols="SPY", start=start, end=end)).data["SPY"]
    assert len(quotes) == len(trades) >= 20
    for quote, trade in zip(quotes, trades, strict=True):
        assert quote.timestamp == trade.timestamp
        assert quote.bid_price < trade.price < quote.ask_price
        assert 0.02 <= round(quote.ask_price - quote.bid_price, 2) <= 0.5  # a few basis points of ~$520
        assert 1 <= quote.bid_size <= 10 and 1 <= quote.ask_size <= 10


def test_paging_returns_every_trade_of_a_multi_page_range_exactly_once(
        server: ExchangeServer, data: StockHistoricalDataClient) -> None:
    start, end = seconds_window(120)
    pages = []
    original = data.get

    def counting_get(*args: object, **kwargs: object) -> object:
        pages.append(original(*args, **kwargs))
        return pages[-1]

    data.get = counting_get  # type: ignore[method-assign]
    request = StockTradesRequest(symbol_or_symbols=["MSFT", "AAPL"], start=start, end=end)
    trades = data.get_stock_trades(request).data
    assert len(pages) >= 3 and pages[-1]["next_page_token"] is None  # 100 per page on this exchange
    for symbol in ("AAPL", "MSFT"):
        ids = [t.id for t in trades[symbol]]
        stamps = [t.timestamp for t in trades[symbol]]
        # every one-second bar prints at least once (midday, the U-shaped volume's low, only once): 120 prints,
        # more than a page of 100 for each symbol
        assert len(set(ids)) == len(ids) >= 120 and stamps == sorted(stamps)
        assert start <= stamps[0] and stamps[-1] <= end
    again = StockHistoricalDataClient(server.exchange.config.accounts[0].key,
                                      server.exchange.config.accounts[0].secret, url_override=server.url)
    assert again.get_stock_trades(request).data == trades


def test_descending_quotes_page_backwards(data: StockHistoricalDataClient, contract: Contract) -> None:
    start, end = seconds_window(30)
    params = {"start": start.isoformat(), "end": end.isoformat(), "sort": "desc", "limit": 7}
    first = data.get("/stocks/AAPL/quotes", params)
    contract.check("data", "QuotesResponse", first)
    second = data.get("/stocks/AAPL/quotes", {**params, "page_token": first["next_page_token"]})
    stamps = [q["t"] for q in first["quotes"] + second["quotes"]]
    assert first["symbol"] == "AAPL" and stamps == sorted(stamps, reverse=True) and len(stamps) == 14


def test_latest_quote_stands_around_a_pinned_price(server: ExchangeServer, data: StockHistoricalDataClient,
                                                   contract: Contract) -> None:
    server.pin_price("MSFT", "333.33")
    contract.check("data", "LatestMultiQuotesResponse", data.get("/stocks/quotes/latest", {"symbols": "MSFT,AAPL"}))
    quotes = data.get_stock_latest_quote(StockLatestQuoteRequest(symbol_or_symbols=["MSFT", "AAPL"]))
    assert quotes["MSFT"].bid_price < 333.33 < quotes["MSFT"].ask_price
    assert quotes["MSFT"].ask_price - quotes["MSFT"].bid_price < 0.5
    assert quotes["AAPL"].bid_price < quotes["AAPL"].ask_price
    single = data.get("/stocks/MSFT/quotes/latest", {})
    contract.check("data", "LatestQuoteResponse", single)
    assert single["quote"]["bp"] < 333.33 < single["quote"]["ap"]
    assert the_two_routes_agree_within_one_bar(data, "MSFT")


def the_two_routes_agree_within_one_bar(data: StockHistoricalDataClient, name: str) -> bool:
    """The quote widens with the previous bar's range, so it moves from one 1-second bar to the next
    (a pin's jump widens the bar after it): the routes are compared on two reads in the same bar."""
    for _ in range(10):
        several = data.get("/stocks/quotes/latest", {"symbols": name})["quotes"][name]
        single = data.get(f"/stocks/{name}/quotes/latest", {})["quote"]
        if several["t"][:19] == single["t"][:19]:
            assert (single["bp"], single["ap"]) == (several["bp"], several["ap"])
            return True
    return False


def test_snapshots_of_several_symbols_agree_with_their_bars(data: StockHistoricalDataClient,
                                                            contract: Contract) -> None:
    raw = data.get("/stocks/snapshots", {"symbols": "AAPL,SPY"})
    contract.check("data", "MultiSnapshotResponse", raw)
    snapshots = data.get_stock_snapshot(StockSnapshotRequest(symbol_or_symbols=["AAPL", "SPY"]))
    assert set(snapshots) == {"AAPL", "SPY"}
    for snap in snapshots.values():
        daily, minute, trade = snap.daily_bar, snap.minute_bar, snap.latest_trade
        assert daily.low <= minute.low <= minute.high <= daily.high
        assert daily.low <= trade.price <= daily.high
        assert snap.latest_quote.bid_price < snap.latest_quote.ask_price
        assert daily.timestamp - snap.previous_daily_bar.timestamp in (timedelta(days=1), timedelta(hours=23),
                                                                        timedelta(hours=25))
        assert snap.previous_daily_bar.close == daily.open  # the synthetic day joins the previous one
        assert datetime.now(UTC) - trade.timestamp < timedelta(seconds=3)
    latest = data.get_stock_latest_trade(StockLatestTradeRequest(symbol_or_symbols="AAPL"))["AAPL"]
    assert abs(latest.price - snapshots["AAPL"].latest_trade.price) < 1.0
    single = data.get("/stocks/SPY/snapshot", {})
    contract.check("data", "Snapshot", single)
    assert single["prevDailyBar"] == raw["SPY"]["prevDailyBar"]


def test_single_symbol_trades_validate_and_unknown_symbols_are_404(data: StockHistoricalDataClient,
                                                                   contract: Contract) -> None:
    start, end = seconds_window(5)
    page = data.get("/stocks/MSFT/trades", {"start": start.isoformat(), "end": end.isoformat()})
    contract.check("data", "TradesResponse", page)
    assert page["symbol"] == "MSFT" and page["trades"] and page["next_page_token"] is None
    for path in ("/stocks/NOPE/trades", "/stocks/NOPE/quotes", "/stocks/NOPE/quotes/latest", "/stocks/NOPE/snapshot"):
        with pytest.raises(APIError) as refused:
            data.get(path, {})
        assert refused.value.status_code == 404


def test_feed_is_checked_and_asof_and_adjustment_are_accepted(data: StockHistoricalDataClient) -> None:
    start, end = seconds_window(3)
    params = {"symbols": "AAPL", "start": start.isoformat(), "end": end.isoformat()}
    sip = data.get("/stocks/trades", {**params, "feed": "sip", "asof": "2026-01-02", "adjustment": "all"})
    assert sip == data.get("/stocks/trades", params)
    with pytest.raises(APIError) as refused:
        data.get("/stocks/quotes", {**params, "feed": "nasdaq"})
    assert refused.value.status_code == 400
