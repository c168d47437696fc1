"""A crypto-trading exchange for the crypto tests: BTC/USD and ETH/USD beside a stock, NYSE hours (so
the stock is shut most of the day while the pairs trade), realistic fills and Alpaca's base-tier fees."""

from __future__ import annotations

from app.exchange import ExchangeConfig, SymbolConfig
from tests.integration.exchange.conftest import PAPER, SHORT

CRYPTO_CONFIG = ExchangeConfig(
    symbols=(SymbolConfig("AAPL", 190.0), SymbolConfig.crypto("BTC/USD", 60_000.0, volume_per_second=2.0),
             SymbolConfig.crypto("ETH/USD", 3_000.0, 0.7)),
    accounts=(PAPER, SHORT),
    seed=11,
    bar_seconds=1,
    hours="nyse",
    max_page_size=100,
    tick_seconds=0.01,
    fills="realistic",
    half_spread_bps=2.0,
    fill_latency_ms=20,
)
