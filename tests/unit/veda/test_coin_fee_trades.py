"""A crypto buy's fee taken in the coin is a fee of the round trip it opens, as the backtest's trades count
theirs: the lot holds the coins left at the value they cost, and the P&L is as before (trial 24: a paper
trade's fees were $24.94, its P&L counted $49.95 of fees, and the backtest's trades showed both sides)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.veda.trades import FillRow, round_trips

D = Decimal
T0, T1 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC), datetime(2026, 12, 7, 8, 5, tzinfo=UTC)


def test_a_coin_fee_is_in_the_trades_fees_and_its_pnl_is_unchanged():
    bought = FillRow("BTC/USD", "buy", D("1"), D("60000"), D("150.00"), T0, fee_qty=D("0.0025"))
    sold = FillRow("BTC/USD", "sell", D("0.9975"), D("61000"), D("152.12"), T1)
    (trip,), books = round_trips([bought, sold])
    assert books == {}  # flat: the sale took every coin the fee left
    assert trip.trade.size == D("0.9975") and trip.trade.entry_price == D("60000")
    assert trip.fees == D("302.12")  # the buy's 150.00 in the coin and the sale's 152.12 in dollars
    assert trip.trade.pnl == D("60847.50") - D("60000") - D("152.12") == D("695.38")
    assert trip.entry_value == D("59850.00")  # the 0.9975 coins kept, at 60,000


def test_an_order_filled_in_parts_is_worth_the_cash_its_parts_moved():
    """Each part settles to the cent, half up, as the broker moves the cash; the leg's value is their sum,
    so the trades' P&L adds up to what the run's cash did (the exact Σ qty × price, rounded once, was a
    cent off it when two parts each fell on a half cent)."""
    from app.veda.trades import legs

    rows = [("AAPL", "buy", D("1"), D("10.125"), D("0"), T0, D("0"), "o1"),
            ("AAPL", "buy", D("1"), D("10.125"), D("0"), T0, D("0"), "o1"),
            ("AAPL", "sell", D("2"), D("10.50"), D("0"), T1, D("0"), "o2")]
    (trip,), books = round_trips(legs(rows))
    assert books == {}
    assert trip.entry_value == D("20.26")  # 10.13 + 10.13, what the account paid; not 20.25
    assert trip.trade.pnl == D("21.00") - D("20.26") == D("0.74")
    assert trip.trade.entry_price == D("10.125")  # the average price stays exact
