"""The market-data WebSocket through alpaca-py's StockDataStream: bars arrive as they complete and equal
the REST bars, quotes and trades stream as they print, bad keys are refused without a reconnect loop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.live import StockDataStream
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.exchange import ExchangeServer
from app.exchange.timefmt import to_datetime
from tests.integration.exchange.conftest import PAPER, wait_for
from tests.integration.exchange.market_data_recorder import MarketDataRecorder


@pytest.fixture
def recorder(server: ExchangeServer) -> Iterator[MarketDataRecorder]:
    recording = MarketDataRecorder(StockDataStream(PAPER.key, PAPER.secret, url_override=server.data_stream_url))
    yield recording
    recording.stop()


def test_stream_bars_equal_the_rest_bars_of_the_same_second(
        server: ExchangeServer, data: StockHistoricalDataClient, recorder: MarketDataRecorder) -> None:
    recorder.stream.subscribe_bars(recorder.recorder("bars"), "AAPL", "MSFT")
    recorder.stream.subscribe_quotes(recorder.recorder("quotes"), "AAPL", "MSFT")
    recorder.stream.subscribe_trades(recorder.recorder("trades"), "AAPL", "MSFT")
    recorder.thread.start()
    wait_for(lambda: {b.symbol for b in recorder.received["bars"]} == {"AAPL", "MSFT"}, timeout=10,
             what="a bar of each symbol")
    wait_for(lambda: len(recorder.received["trades"]) >= 2, timeout=10, what="trades")
    for bar in list(recorder.received["bars"])[:4]:
        rest = data.get("/stocks/bars", {"symbols": bar.symbol, "timeframe": "1Sec",
                                         "start": bar.timestamp.isoformat(), "end": bar.timestamp.isoformat()})
        (same,) = rest["bars"][bar.symbol]
        assert (bar.open, bar.high, bar.low, bar.close, bar.volume, bar.trade_count, bar.vwap) == \
               (same["o"], same["h"], same["l"], same["c"], same["v"], same["n"], same["vw"])
    for trade in list(recorder.received["trades"])[:4]:
        second = trade.timestamp.replace(microsecond=0)
        wait_for(lambda s=second: s + timedelta(seconds=1) <= server_now(server), what="the bar to complete")
        rest = data.get("/stocks/bars", {"symbols": trade.symbol, "timeframe": "1Sec",
                                         "start": second.isoformat(), "end": second.isoformat()})
        (bar,) = rest["bars"][trade.symbol]
        assert bar["l"] <= trade.price <= bar["h"]
        last_us = second + timedelta(seconds=1) - timedelta(microseconds=1)  # the whole second
        printed = data.get("/stocks/trades", {"symbols": trade.symbol, "start": second.isoformat(),
                                              "end": last_us.isoformat()})["trades"][trade.symbol]
        assert (trade.id, trade.price, trade.size) in [(p["i"], p["p"], p["s"]) for p in printed]
    quotes = list(recorder.received["quotes"])
    assert quotes and all(q.bid_price < q.ask_price for q in quotes)


def server_now(server: ExchangeServer) -> datetime:
    return to_datetime(server.exchange.clock())


def test_subscription_lists_what_is_subscribed_and_unsubscribe_stops_bars(server: ExchangeServer) -> None:
    with connect(server.data_stream_url) as ws:
        assert json.loads(ws.recv()) == [{"T": "success", "msg": "connected"}]
        ws.send(json.dumps({"action": "auth", "key": PAPER.key, "secret": PAPER.secret}))
        assert json.loads(ws.recv()) == [{"T": "success", "msg": "authenticated"}]
        ws.send(json.dumps({"action": "subscribe", "bars": ["spy"], "dailyBars": ["AAPL"]}))
        (subscription,) = json.loads(ws.recv())
        assert subscription["T"] == "subscription" and subscription["bars"] == ["SPY"]
        assert subscription["dailyBars"] == ["AAPL"] and subscription["trades"] == []
        (bar,) = json.loads(ws.recv(timeout=3))
        while bar["T"] == "d":  # a minute ended: AAPL's daily bar first
            (bar,) = json.loads(ws.recv(timeout=3))
        assert bar["T"] == "b" and bar["S"] == "SPY" and bar["t"].endswith("Z")
        ws.send(json.dumps({"action": "unsubscribe", "bars": ["SPY"], "dailyBars": ["AAPL"]}))
        messages = [json.loads(ws.recv(timeout=3))]
        while messages[-1][0]["T"] != "subscription":
            messages.append(json.loads(ws.recv(timeout=3)))
        assert messages[-1][0]["bars"] == [] and messages[-1][0]["dailyBars"] == []
        with pytest.raises(TimeoutError):  # nothing subscribed, nothing sent (not even at a minute's end)
            ws.recv(timeout=1.5)


def test_subscribing_before_auth_and_wrong_keys_get_alpacas_errors(server: ExchangeServer) -> None:
    with connect(server.data_stream_url) as ws:
        ws.recv()
        ws.send(json.dumps({"action": "subscribe", "bars": ["AAPL"]}))
        assert json.loads(ws.recv()) == [{"T": "error", "code": 401, "msg": "not authenticated"}]
        ws.send(json.dumps({"action": "auth", "key": PAPER.key, "secret": "wrong"}))
        assert json.loads(ws.recv()) == [{"T": "error", "code": 402, "msg": "auth failed"}]
        with pytest.raises(ConnectionClosed):
            ws.recv(timeout=2)
