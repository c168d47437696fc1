"""The Alpaca fee setting on a crypto pair: Alpaca's crypto tier as the local exchange charges it (25 bps of a
fill taken, 15 bps of a fill made), not the SEC fee and TAF of a share sale (which it charged until
2026-12-07: $0.16 on a $5,000 sale where the exchange took $12.50)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.exchange.fees import CryptoFees, coin_fee
from app.greta import BacktestConfig, run_backtest
from app.greta.fees import AlpacaCryptoFees, AlpacaFees
from app.greta.specs import FeeSpec
from app.marvin.instruments import Instrument
from tests.unit.greta.helpers import daily, run, scripted

D = Decimal
CENT = D("0.01")
FLAT = (100.0, 101.0, 99.0, 100.0)


@pytest.mark.parametrize("qty,price", [("0.5", "60000"), ("1.234567891", "3187.45"), ("1000", "0.0789"),
                                       ("0.000000333", "98765.4321")])
@pytest.mark.parametrize("maker", [False, True])
def test_each_fill_pays_what_the_local_exchange_charges_for_it(qty: str, price: str, maker: bool) -> None:
    exchange = CryptoFees().rate(maker)
    greta = AlpacaCryptoFees()
    # A sale: dollars, half up to the cent, as the exchange takes them from the proceeds.
    sale = D(qty) * D(price) * exchange
    assert greta.fee("sell", D(qty), D(price), D(0), 0, maker) == sale.quantize(CENT, rounding=ROUND_HALF_UP)
    # A buy: the coins the exchange keeps back, valued at the fill price.
    coins = coin_fee(D(qty), exchange)
    assert greta.fee("buy", D(qty), D(price), D(0), 0, maker) == (coins * D(price)).quantize(CENT, ROUND_HALF_UP)


def test_the_alpaca_setting_is_the_crypto_tier_on_a_pair_and_the_regulatory_fees_on_a_share() -> None:
    assert FeeSpec.parse("alpaca").model(crypto=True) == AlpacaCryptoFees()
    assert FeeSpec.parse("alpaca").model() == AlpacaFees()
    assert FeeSpec.parse("percent:0.25").model(crypto=True) == FeeSpec.parse("percent:0.25").model()


def test_a_crypto_backtest_pays_taker_and_maker_fees_as_its_orders_took_or_made_liquidity() -> None:
    rows = [FLAT, FLAT, FLAT,
            (102.0, 103.0, 98.0, 101.0),  # bar 3: the resting limit sell at 102.50 fills at its price (made)
            FLAT,  # bar 4: the limit sell at 99 meets an open of 100 on its first bar (took)
            (100.0, 101.0, 97.0, 100.0),  # bar 5: the limit buy at 95 rests
            (94.0, 96.0, 93.0, 95.0)]  # bar 6: it gaps through at the open, 94, having rested (made)
    frame = daily(rows, symbol="BTC/USD", first=date(2024, 6, 3))
    result = run(frame, {0: lambda s: s.buy(size=2), 1: lambda s: s.sell(size=1, limit=102.5),
                         3: lambda s: s.sell(size=1, limit=99), 4: lambda s: s.buy(size=1, limit=95)},
                 fees="alpaca", asset_class="crypto")
    assert [(f.side, f.price, f.fee) for f in result.fills] == [
        ("buy", D(100), D("0.50")),  # market: 2 × 0.25 % = 0.005 BTC, worth $0.50
        ("sell", D("102.5"), D("0.15")),  # 102.50 × 0.15 % = 0.15375
        ("sell", D(100), D("0.25")),  # 100 × 0.25 %
        ("buy", D(94), D("0.14")),  # 0.0015 BTC at 94 = 0.141
    ]
    assert result.metrics["fees_total"] == 1.04
    assert result.final_cash == D(10000) - 200 - D("0.50") + D("102.5") - D("0.15") + 100 - D("0.25") - 94 - D("0.14")


def test_in_a_run_of_a_pair_and_a_share_each_pays_its_own_fees() -> None:
    stamps = date(2024, 6, 3)
    frames = [daily([(50.0, 51.0, 49.0, 50.0)] * 3, symbol="AAA", first=stamps),
              daily([FLAT] * 3, symbol="ETH/USD", first=stamps)]
    actions = {0: [lambda s: s.buy("AAA", size=100), lambda s: s.buy("ETH/USD", size=10)],
               1: [lambda s: s.sell("AAA", size=100), lambda s: s.sell("ETH/USD", size=10)]}
    instruments = {"AAA": Instrument("AAA", "us_equity"), "ETH/USD": Instrument("ETH/USD", "crypto")}
    result = run_backtest(BacktestConfig("scripted", cash=D(100000), fees="alpaca"), frames,
                          strategy=scripted(actions), instruments=instruments)
    fees = {(f.symbol, f.side): f.fee for f in result.fills}
    # AAA: no fee on the buy; the sale pays SEC 5,000 × 27.80 / 1e6 + TAF 100 × 0.000166, rounded up: 0.16.
    # ETH/USD: 25 bps of $1,000 each way.
    assert fees == {("AAA", "buy"): D(0), ("AAA", "sell"): D("0.16"),
                    ("ETH/USD", "buy"): D("2.50"), ("ETH/USD", "sell"): D("2.50")}


def test_a_limit_filled_at_its_price_inside_the_first_bar_it_met_made_liquidity() -> None:
    """Trial 32: 18 of 62 such fills were charged the taker rate, where the exchange charged its maker rate (the
    order met the bar's open unfilled, so it rested before its price came)."""
    rows = [FLAT, FLAT, (100.0, 103.0, 99.0, 102.0), (101.0, 102.0, 96.0, 97.0)]
    frame = daily(rows, symbol="BTC/USD", first=date(2024, 6, 3))
    result = run(frame, {0: lambda s: s.buy(size=1), 1: lambda s: s.sell(size=1, limit=102.5),
                         2: lambda s: s.buy(size=1, limit=98)}, fees="alpaca", asset_class="crypto")
    assert [(f.side, f.price, f.fee) for f in result.fills] == [
        ("buy", D(100), D("0.25")),  # market: taken
        ("sell", D("102.5"), D("0.15")),  # bar 2 opened at 100 (unfilled), then reached 102.50: made
        ("buy", D(98), D("0.15")),  # bar 3 opened at 101 (unfilled), then fell to 98: made (0.0015 BTC at 98 = 0.147)
    ]
