"""The crypto market-data WebSocket through alpaca-py's CryptoDataStream (`/v1beta3/crypto/us`): bars,
trades and quotes of the pairs stream around the clock (the exchange keeps NYSE hours), bars equal the
REST bars, and a `*` subscription carries the pairs only, never the stocks."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from alpaca.data.historical import CryptoHistoricalDataClient
from alpaca.data.live import CryptoDataStream

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, wait_for
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CRYPTO_CONFIG) as running:
        yield running


class CryptoRecorder:
    """CryptoDataStream in a thread, recording every parsed message by kind."""

    def __init__(self, server: ExchangeServer) -> None:
        self.received: dict[str, list] = {"bars": [], "quotes": [], "trades": []}
        url = server.data_stream_url.rsplit("/v2/", 1)[0] + "/v1beta3/crypto/us"
        self.stream = CryptoDataStream(PAPER.key, PAPER.secret, url_override=url)
        self.thread = threading.Thread(target=self.stream.run, name="crypto-data-stream", daemon=True)

    def recorder(self, kind: str):  # noqa: ANN201 - an async handler
        async def record(item: object) -> None:
            self.received[kind].append(item)
        return record

    def stop(self) -> None:
        while self.stream._loop is None:
            time.sleep(0.01)
        asyncio.run_coroutine_threadsafe(self.stream.stop_ws(), self.stream._loop).result(5)
        self.thread.join(8)
        assert not self.thread.is_alive()


@pytest.fixture
def recorder(server: ExchangeServer) -> Iterator[CryptoRecorder]:
    recording = CryptoRecorder(server)
    yield recording
    recording.stop()


def test_crypto_bars_trades_and_quotes_stream_and_match_the_rest_bars(
        server: ExchangeServer, recorder: CryptoRecorder) -> None:
    recorder.stream.subscribe_bars(recorder.recorder("bars"), "*")
    recorder.stream.subscribe_trades(recorder.recorder("trades"), "ETH/USD")
    recorder.stream.subscribe_quotes(recorder.recorder("quotes"), "ETH/USD")
    recorder.thread.start()
    wait_for(lambda: {b.symbol for b in recorder.received["bars"]} == {"BTC/USD", "ETH/USD"}, timeout=5,
             what="a bar of each pair")
    wait_for(lambda: recorder.received["trades"] and recorder.received["quotes"], timeout=5, what="prints")
    assert {b.symbol for b in recorder.received["bars"]} == {"BTC/USD", "ETH/USD"}  # AAPL is no pair
    crypto = CryptoHistoricalDataClient(url_override=server.url)
    for bar in list(recorder.received["bars"])[:4]:
        rest = crypto.get("/crypto/us/bars", {"symbols": bar.symbol, "timeframe": "1Sec",
                                              "start": bar.timestamp.isoformat(), "end": bar.timestamp.isoformat()})
        (same,) = rest["bars"][bar.symbol]
        assert (bar.open, bar.high, bar.low, bar.close, bar.volume, bar.trade_count, bar.vwap) == \
               (same["o"], same["h"], same["l"], same["c"], same["v"], same["n"], same["vw"])
    trade = recorder.received["trades"][0]
    assert trade.symbol == "ETH/USD" and trade.price > 0 and trade.exchange is None
    quote = recorder.received["quotes"][0]
    assert quote.bid_price < quote.ask_price
