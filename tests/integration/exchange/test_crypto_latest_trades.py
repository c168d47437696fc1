"""`/v1beta3/crypto/us/latest/trades` (alpaca-py's get_crypto_latest_trade) checked against data.yaml's
`LatestMultiTradesResponse` as the other crypto routes are: the v1beta1 shape with the exchange `x` supplied,
which v1beta3 crypto trades do not carry (docs/exchange.md)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from alpaca.data.historical import CryptoHistoricalDataClient
from alpaca.data.requests import CryptoLatestTradeRequest

from app.exchange import ExchangeServer
from tests.integration.exchange.conftest import Contract
from tests.integration.exchange.crypto_support import CRYPTO_CONFIG
from tests.waiting import wait_for

PAIRS = ["BTC/USD", "ETH/USD"]


@pytest.fixture(scope="module")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CRYPTO_CONFIG) as running:
        yield running


def test_latest_crypto_trades_match_the_schema_and_the_pinned_price(server: ExchangeServer,
                                                                     contract: Contract) -> None:
    server.pin_price("BTC/USD", "64321.5")

    def latest() -> dict:
        answer = requests.get(f"{server.url}/v1beta3/crypto/us/latest/trades", params={"symbols": ",".join(PAIRS)},
                              timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    body = wait_for(lambda: (b := latest())["trades"]["BTC/USD"]["p"] == 64321.5 and b, timeout=10,
                    what="a print at the pinned price")
    assert set(body) == {"trades"} and set(body["trades"]) == set(PAIRS)
    assert all(set(t) == {"t", "p", "s", "i", "tks"} for t in body["trades"].values())
    contract.check("data", "LatestMultiTradesResponse",
                   {"trades": {s: {**t, "x": "CBSE"} for s, t in body["trades"].items()}})
    parsed = CryptoHistoricalDataClient(url_override=server.url).get_crypto_latest_trade(
        CryptoLatestTradeRequest(symbol_or_symbols=PAIRS))
    assert Decimal(str(parsed["BTC/USD"].price)) == Decimal("64321.5") and parsed["ETH/USD"].size > 0
