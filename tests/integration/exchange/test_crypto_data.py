"""Crypto market data through alpaca-py's CryptoHistoricalDataClient (`/v1beta3/crypto/us/*`, no keys
needed): bars, trades and quotes paged with next_page_token, latest values, snapshots and the order
book's top, around the clock; each raw page checked against data.yaml (docs/exchange.md, "Crypto")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from alpaca.data.historical import CryptoHistoricalDataClient
from alpaca.data.models import Trade
from alpaca.data.requests import (
    CryptoBarsRequest,
    CryptoLatestOrderbookRequest,
    CryptoLatestQuoteRequest,
    CryptoLatestTradeRequest,
    CryptoQuoteRequest,
    CryptoSnapshotRequest,
    CryptoTradesRequest,
)
from alpaca.data.timeframe import TimeFrame

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG

PAIRS = ["BTC/USD", "ETH/USD"]
KEYS = {"APCA-API-KEY-ID": PAPER.key, "APCA-API-SECRET-KEY": PAPER.secret}


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CRYPTO_CONFIG) as running:
        yield running


@pytest.fixture
def crypto(server: ExchangeServer) -> CryptoHistoricalDataClient:
    return CryptoHistoricalDataClient(url_override=server.url)  # Alpaca's crypto data needs no keys


def raw(server: ExchangeServer, path: str, **params: object) -> dict:
    answer = requests.get(f"{server.url}/v1beta3/crypto/us/{path}", params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def test_minute_bars_run_around_the_clock_over_several_pages(server, crypto, contract) -> None:
    end = minute(datetime.now(UTC)) - timedelta(minutes=1)
    start = end - timedelta(hours=3)  # the exchange keeps NYSE hours: most of these minutes are outside them
    bars = crypto.get_crypto_bars(CryptoBarsRequest(symbol_or_symbols=PAIRS, timeframe=TimeFrame.Minute,
                                                    start=start, end=end)).data
    for pair in PAIRS:
        stamps = [b.timestamp for b in bars[pair]]
        assert stamps == [start + timedelta(minutes=i) for i in range(181)]  # every minute, no session gaps
        assert all(b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high for b in bars[pair])
    first = raw(server, "bars", symbols=",".join(PAIRS), timeframe="1Min", start=start.isoformat(),
                end=end.isoformat())
    contract.check("data", "MultiBarsResponse", first)
    assert first["next_page_token"] and len(first["bars"]["BTC/USD"]) == 100  # the test exchange's page size
    assert raw(server, "bars", symbols="AAPL", timeframe="1Min")["bars"] == {}  # a stock is no crypto pair
    week = {"symbols": "BTC/USD,AAPL", "timeframe": "1Min", "start": (start - timedelta(days=4)).isoformat(),
            "limit": 5}
    stocks = requests.get(f"{server.url}/v2/stocks/bars", params=week, headers=KEYS, timeout=10).json()
    assert set(stocks["bars"]) == {"AAPL"}  # and a pair is no stock


def test_trades_and_quotes_page_through_the_tape(server, crypto, contract) -> None:
    end = (datetime.now(UTC) - timedelta(seconds=2)).replace(microsecond=0)  # whole seconds, as alpaca-py sends them
    start = end - timedelta(minutes=4)
    trades = crypto.get_crypto_trades(CryptoTradesRequest(symbol_or_symbols="ETH/USD", start=start, end=end)).data
    quotes = crypto.get_crypto_quotes(CryptoQuoteRequest(symbol_or_symbols="ETH/USD", start=start, end=end)).data
    prints = trades["ETH/USD"]
    assert len(prints) > 100  # more than one page
    assert [t.id for t in prints] == sorted({t.id for t in prints})
    assert all(start <= t.timestamp <= end for t in prints)
    assert len(quotes["ETH/USD"]) == len(prints)  # one quote stands at each print
    assert all(q.bid_price < t.price < q.ask_price for q, t in zip(quotes["ETH/USD"], prints, strict=True))
    page = raw(server, "trades", symbols="ETH/USD", start=start.isoformat(), end=end.isoformat())
    assert page["next_page_token"] and all(set(t) == {"t", "p", "s", "i", "tks"} for t in page["trades"]["ETH/USD"])
    # data.yaml's Trade requires the exchange `x`, which v1beta3 crypto trades do not carry: alpaca-py parses them
    contract.check("data", "MultiTradesResponse",
                   {**page, "trades": {"ETH/USD": [{**t, "x": "CBSE"} for t in page["trades"]["ETH/USD"]]}})
    assert Trade("ETH/USD", page["trades"]["ETH/USD"][0]).price > 0
    quote_page = raw(server, "quotes", symbols="ETH/USD", start=start.isoformat(), end=end.isoformat())
    contract.check("data", "MultiQuotesReponse", quote_page)


def test_latest_values_snapshots_and_the_top_of_the_book(server, crypto, contract) -> None:
    server.pin_price("BTC/USD", "65000")
    trade = crypto.get_crypto_latest_trade(CryptoLatestTradeRequest(symbol_or_symbols=PAIRS))
    quote = crypto.get_crypto_latest_quote(CryptoLatestQuoteRequest(symbol_or_symbols="BTC/USD"))["BTC/USD"]
    assert set(trade) == set(PAIRS)
    assert quote.bid_price < 65000 < quote.ask_price
    book = crypto.get_crypto_latest_orderbook(CryptoLatestOrderbookRequest(symbol_or_symbols="BTC/USD"))["BTC/USD"]
    assert (book.bids[0].price, book.asks[0].price) == (quote.bid_price, quote.ask_price)
    snapshots = crypto.get_crypto_snapshot(CryptoSnapshotRequest(symbol_or_symbols=PAIRS))
    assert snapshots["BTC/USD"].latest_quote.bid_price < 65000 < snapshots["BTC/USD"].latest_quote.ask_price
    assert snapshots["ETH/USD"].daily_bar.low <= snapshots["ETH/USD"].minute_bar.close
    contract.check("data", "LatestMultiQuotesResponse", raw(server, "latest/quotes", symbols="BTC/USD,ETH/USD"))
    contract.check("data", "LatestMultiBarsResponse", raw(server, "latest/bars", symbols="BTC/USD,ETH/USD"))
    body = raw(server, "snapshots", symbols="BTC/USD,ETH/USD")["snapshots"]  # v1beta3 wraps them in "snapshots"
    contract.check("data", "MultiSnapshotResponse",
                   {s: {**snap, "latestTrade": {**snap["latestTrade"], "x": "CBSE"}} for s, snap in body.items()})
    elsewhere = requests.get(f"{server.url}/v1beta3/crypto/eu/bars", params={"symbols": "BTC/USD"}, timeout=5)
    assert elsewhere.status_code == 404
