"""The crypto market-data WebSocket through alpaca-py's CryptoDataStream (`/v1beta3/crypto/us`): bars,
trades and quotes of the pairs stream around the clock (the exchange keeps NYSE hours), bars equal the
REST bars, and a `*` subscription carries the pairs only, never the stocks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alpaca.data.historical import CryptoHistoricalDataClient
from alpaca.data.live import CryptoDataStream

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import PAPER, wait_for
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG
from tests.integration.exchange.market_data_recorder import MarketDataRecorder


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CRYPTO_CONFIG) as running:
        yield running


@pytest.fixture
def recorder(server: ExchangeServer) -> Iterator[MarketDataRecorder]:
    url = server.data_stream_url.rsplit("/v2/", 1)[0] + "/v1beta3/crypto/us"
    recording = MarketDataRecorder(CryptoDataStream(PAPER.key, PAPER.secret, url_override=url))
    yield recording
    recording.stop()


def test_crypto_bars_trades_and_quotes_stream_and_match_the_rest_bars(
        server: ExchangeServer, recorder: MarketDataRecorder) -> None:
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
