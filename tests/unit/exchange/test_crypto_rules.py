"""Crypto's pure rules: pair configs, the orders Alpaca accepts on them, maker/taker fees in the asset a
fill credits, and the portfolio history undoing a fill and its CFEE."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.exchange.activities import FeeActivity, FillActivity, activities_from_state
from app.exchange.config import ConfigError, SymbolConfig, parse_symbols_spec
from app.exchange.errors import ExchangeError
from app.exchange.fees import Charge, CryptoFees
from app.exchange.order_input import parse_order
from app.exchange.orders import Order
from app.exchange.portfolio import Book, Rewind

BTC = SymbolConfig.crypto("BTC/USD", 60_000.0)


def order(kind: str = "market", rested: bool = False, side: str = "buy") -> Order:
    return Order(id="o", client_order_id="c", account="paper", symbol="BTC/USD", side=side, type=kind,
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


def test_a_buy_pays_in_coin_and_a_sell_in_dollars_at_the_maker_or_taker_rate() -> None:
    fees = CryptoFees(15, 25)
    half, price = Decimal("0.5"), Decimal("60000")
    assert fees.on_fill(BTC, order("market"), half, price) == Charge(Decimal("0.00125"), Decimal(0), price)
    assert fees.on_fill(BTC, order("limit"), half, price).coin == Decimal("0.00125")  # marketable: taker
    assert fees.on_fill(BTC, order("limit", rested=True), half, price).coin == Decimal("0.00075")
    assert fees.on_fill(BTC, order("market", side="sell"), half, price) == Charge(Decimal(0), Decimal("75.00"), price)
    assert fees.on_fill(BTC, order("market"), Decimal("0.012345678"), price).coin == Decimal("0.000030864")  # half up
    assert fees.on_fill(SymbolConfig("AAPL"), order("market"), Decimal(5), Decimal(100)) is None


def test_history_undoes_a_fill_and_its_fee() -> None:
    buy = FillActivity("a", 100, "o", "BTC/USD", "buy", "fill", "50000", "0.01", "0.01", "0", "filled")
    fee = FeeActivity("b", 100, "o", "BTC/USD", "0.000025", "0", "50000")
    book = Book(Decimal("500.00"), {"BTC/USD": Decimal("0.009975")}, (buy, fee), 0)
    rewind = Rewind(book)
    assert rewind.equity_at(200, lambda s, t: Decimal("50000")) == Decimal("998.75")
    assert rewind.equity_at(50, lambda s, t: Decimal("50000")) == Decimal("1000.00")


def test_a_state_file_from_before_cfee_keeps_its_usd_fee_as_one() -> None:
    saved = {"id": "a", "ms": 100, "order_id": "o", "symbol": "BTC/USD", "side": "buy", "type": "fill",
             "price": "50000", "qty": "0.01", "cum_qty": "0.01", "leaves_qty": "0", "order_status": "filled",
             "fee": "1.25"}
    fill, fee = activities_from_state([saved])
    assert (fill.activity_type, fee.activity_type, fee.cash_change, fee.qty_change) == (
        "FILL", "CFEE", Decimal("-1.25"), Decimal(0))
    assert activities_from_state([fill.to_state(), fee.to_state()]) == [fill, fee]
