"""Crypto's pure rules: pair configs, the orders Alpaca accepts on them, maker/taker fees, and the
portfolio history undoing a fill's fee with the fill."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.exchange.activities import FillActivity
from app.exchange.config import ConfigError, SymbolConfig, parse_symbols_spec
from app.exchange.errors import ExchangeError
from app.exchange.fees import CryptoFees
from app.exchange.order_input import parse_order
from app.exchange.orders import Order
from app.exchange.portfolio import Book, Rewind

BTC = SymbolConfig.crypto("BTC/USD", 60_000.0)


def order(kind: str = "market", rested: bool = False) -> Order:
    return Order(id="o", client_order_id="c", account="paper", symbol="BTC/USD", side="buy", type=kind,
                 time_in_force="gtc", qty=Decimal("0.5"), notional=None, limit_price=None, stop_price=None,
                 status="new", created_ms=0, asset_class="crypto", rested=rested)


def test_a_pair_is_a_fractional_unshortable_crypto_asset_with_a_dollar_minimum() -> None:
    assert (BTC.asset_class, BTC.exchange, BTC.shortable, BTC.fractionable) == ("crypto", "CRYPTO", False, True)
    assert BTC.min_order_size == Decimal("0.000016667")  # $1 at 60,000, rounded up to 9 decimals
    assert [(s.symbol, s.asset_class) for s in parse_symbols_spec("AAPL,sol/usd=150")] == \
           [("AAPL", "us_equity"), ("SOL/USD", "crypto")]
    with pytest.raises(ConfigError):
        SymbolConfig("BTC/USD", 60_000.0)  # a slash is a pair: SymbolConfig.crypto
    with pytest.raises(ConfigError):
        SymbolConfig.crypto("BTCUSD")


def test_crypto_orders_take_gtc_and_ioc_fractions_to_nine_decimals_and_refuse_day() -> None:
    body = {"symbol": "BTC/USD", "side": "buy", "type": "limit", "limit_price": "59000.5", "qty": "0.123456789"}
    spec = parse_order({**body, "time_in_force": "gtc"}, True, True, BTC.min_order_size)
    assert spec.qty == Decimal("0.123456789")
    with pytest.raises(ExchangeError) as day:
        parse_order({**body, "time_in_force": "day"}, True, True, BTC.min_order_size)
    assert (day.value.status, day.value.code, day.value.message) == (422, 42210000, "invalid crypto time_in_force")
    with pytest.raises(ExchangeError):
        parse_order({**body, "time_in_force": "gtc", "type": "stop", "limit_price": None, "stop_price": "1"},
                    True, True, BTC.min_order_size)
    with pytest.raises(ExchangeError):
        parse_order({**body, "time_in_force": "ioc", "qty": "0.00001"}, True, True, BTC.min_order_size)


def test_a_rested_limit_pays_the_maker_rate_and_everything_else_the_taker_rate() -> None:
    fees = CryptoFees(15, 25)
    assert fees.on_fill(BTC, order("market"), Decimal("0.5"), Decimal("60000")) == Decimal("75.00")
    assert fees.on_fill(BTC, order("limit"), Decimal("0.5"), Decimal("60000")) == Decimal("75.00")  # marketable
    assert fees.on_fill(BTC, order("limit", rested=True), Decimal("0.5"), Decimal("60000")) == Decimal("45.00")
    assert fees.on_fill(SymbolConfig("AAPL"), order("market"), Decimal(5), Decimal(100)) == 0


def test_history_undoes_a_fills_fee_with_the_fill() -> None:
    fill = FillActivity("a", 100, "o", "BTC/USD", "buy", "fill", "50000", "0.01", "0.01", "0", "filled", "1.25")
    book = Book(Decimal("498.75"), {"BTC/USD": Decimal("0.01")}, (fill,), 0)
    rewind = Rewind(book)
    assert rewind.equity_at(200, lambda s, t: Decimal("50000")) == Decimal("998.75")
    assert rewind.equity_at(50, lambda s, t: Decimal("50000")) == Decimal("1000.00")
