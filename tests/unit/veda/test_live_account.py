"""Veda's side of the strategy's account: FIFO round trips from a live run's fills, and the broker's
asset records as instruments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.marvin.instruments import Instrument
from app.veda.alpaca import instrument_of
from app.veda.positions import Holding, apply_fill
from app.veda.trades import FillRow, fifo, open_trades
from app.veda.wire import asset_of

D = Decimal
T0 = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)


def _fill(i: int, side: str, qty: str, price: str, symbol: str = "AAPL") -> FillRow:
    return FillRow(symbol, side, D(qty), D(price), D(0), T0 + timedelta(minutes=i))


def test_adds_partial_exits_and_a_reversal_pair_first_in_first_out() -> None:
    fills = [_fill(0, "buy", "10", "100"), _fill(1, "buy", "10", "110"), _fill(2, "sell", "15", "120"),
             _fill(3, "sell", "10", "105")]  # closes the last 5 long, opens 5 short at 105
    closed, books = fifo(fills)
    assert [(t.direction, t.size, t.entry_price, t.exit_price, t.pnl) for t in closed] == [
        ("long", D(10), D(100), D(120), D("200.00")),
        ("long", D(5), D(110), D(120), D("50.00")),
        ("long", D(5), D(110), D(105), D("-25.00")),
    ]
    (lot,) = open_trades(books, {"AAPL": D("101.5")})
    assert (lot.direction, lot.size, lot.entry_price, lot.exit_price, lot.pnl) == ("short", D(5), D(105), None,
                                                                                  D("17.5"))
    assert lot.entry_time == T0 + timedelta(minutes=3)


def test_sub_cent_prices_and_nano_quantities_are_kept_exactly() -> None:
    closed, books = fifo([_fill(0, "buy", "1000000.123456789", "0.0000123", "PEPE"),
                          _fill(1, "sell", "1000000.123456789", "0.0000150", "PEPE")])
    assert books == {}
    assert closed[0].size == D("1000000.123456789") and closed[0].entry_price == D("0.0000123")
    assert closed[0].pnl == D("2.70")  # each fill's value settles to the cent: 12.30 in, 15.00 out
    assert (closed[0].exit_price - closed[0].entry_price) == D("0.0000027")


def test_the_booked_average_keeps_twelve_decimals() -> None:
    held = apply_fill(Holding(), "buy", D(3), D("0.0000123"))
    held = apply_fill(held, "buy", D(1), D("0.0000124"))
    assert held.avg_price == D("0.000012325000")


def test_alpaca_assets_become_instruments() -> None:  # at the adapter's edge: JSON, Asset, Instrument
    apple = instrument_of("AAPL", asset_of({"class": "us_equity", "fractionable": True}))
    assert apple == Instrument("AAPL", "us_equity")
    assert instrument_of("BRK.A", asset_of({"class": "us_equity", "fractionable": False})).qty_step(True) == 1
    btc = instrument_of("BTC/USD", asset_of({"class": "crypto", "min_trade_increment": 0.0001, "price_increment": 1}))
    assert (btc.asset_class, btc.qty_increment, btc.price_increment) == ("crypto", D("0.0001"), D(1))
    assert instrument_of("ETH/USD", asset_of({"class": "crypto"})).qty_step(False) == D("1e-9")
