"""The instrument rules every venue shares: which step a price sits on, and on which side it rounds."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.marvin.instruments import Instrument, instruments_for, quantity_refusal, round_order_price

EQUITY, CRYPTO, OTHER = Instrument("X", "us_equity"), Instrument("BTC", "crypto"), Instrument("EURUSD")


@pytest.mark.parametrize(("price", "side", "instrument", "expected"), [
    (D("98.04864111"), "buy", EQUITY, D("98.04")),  # a buy never pays more than asked
    (D("98.04864111"), "sell", EQUITY, D("98.05")),  # a sell never receives less
    (D("0.123456"), "buy", EQUITY, D("0.1234")),  # $0.0001 below $1
    (D("0.99995"), "sell", EQUITY, D("1.00")),  # rounded up across $1: on the cent step
    (D("1.005"), "buy", EQUITY, D("1.00")),
    (D("98.05"), "buy", EQUITY, D("98.05")),  # already on the step: unchanged, no trailing zeros
    (D("43123.1234567891"), "buy", CRYPTO, D("43123.123456789")),
    (D("43123.1234567891"), "sell", CRYPTO, D("43123.123456790")),
    (D("1.06956495"), "buy", OTHER, D("1.06956495")),  # no step: the price as asked
    (D("1.0702203209999999"), "buy", OTHER, D("1.070220320999")),  # past 12 places, the safe side
    (D("1.0702203209999999"), "sell", OTHER, D("1.070220321000")),
])
def test_order_prices_round_to_the_side_never_worse_for_the_user(price, side, instrument, expected):
    rounded = round_order_price(price, side, instrument)
    assert rounded == expected and rounded.as_tuple().exponent >= -12
    assert (rounded <= price) if side == "buy" else (rounded >= price)


def test_a_crypto_assets_own_increment_is_used():
    coin = Instrument("DOGE", "crypto", price_increment=D("0.5"), qty_increment=D("0.01"))
    assert round_order_price(D("100.25"), "buy", coin) == D("100.0")
    assert coin.qty_step(fractional=False) == D("0.01")
    assert quantity_refusal("DOGE", D("0.015"), D("0.01")) == (
        "quantity off the step: 0.015 DOGE is not a multiple of 0.01")
    assert quantity_refusal("DOGE", D("0.001"), D("0.01")) == "quantity below the smallest step: 0.001 DOGE (step 0.01)"


def test_an_asset_class_the_user_gives_wins_over_the_stored_one():
    stored = {"BTC": CRYPTO, "EURUSD": OTHER}
    assert instruments_for(["BTC", "EURUSD", "NEW"], None, stored) == {
        "BTC": CRYPTO, "EURUSD": OTHER, "NEW": Instrument("NEW")}
    chosen = instruments_for(["BTC", "NEW"], "us_equity", stored)
    assert {s: i.asset_class for s, i in chosen.items()} == {"BTC": "us_equity", "NEW": "us_equity"}
    assert instruments_for(["BTC"], "crypto", {"BTC": Instrument("BTC", "crypto", D("0.5"))})["BTC"].price_increment \
        == D("0.5")
