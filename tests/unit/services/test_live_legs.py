"""A paper or live run's round trips are paired from its orders, not its fills: an order the broker filled
in parts is one leg (quantity and fees summed, the volume-weighted price), as a backtest's order that
fills whole; an exit order still closes entry orders first in, first out, one trade per entry order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.veda.trades import legs, round_trips

T0 = datetime(2026, 12, 3, 15, 0, 0, tzinfo=UTC)
D = Decimal


def fill(order: str, side: str, qty: str, price: str, fee: str, seconds: float) -> tuple:
    """A row as LiveRecords.fill_rows gives it."""
    return ("AAPL", side, D(qty), D(price), D(fee), T0 + timedelta(seconds=seconds), D(0), order)


# Buy 105 filled 39 + 27 + 39, sold 105 filled 60 + 45: one round trip of 105 shares.
ENTRY = [fill("b1", "buy", "39", "100.00", "0.39", 1.0), fill("b1", "buy", "27", "100.10", "0.27", 1.0),
         fill("b1", "buy", "39", "100.05", "0.39", 2.0)]
EXIT = [fill("s1", "sell", "60", "101.00", "0.60", 5.0), fill("s1", "sell", "45", "100.90", "0.45", 6.5)]


def test_an_order_filled_in_parts_is_one_leg_and_its_round_trip_one_trade() -> None:
    trips, books = round_trips(legs(ENTRY + EXIT))

    assert len(trips) == 1 and books == {}
    trade = trips[0].trade
    assert (trade.direction, trade.size) == ("long", 105)
    # 10,504.65 / 105 and 10,600.50 / 105, to the 12 decimals prices are stored with
    assert (trade.entry_price, trade.exit_price) == (D("100.044285714286"), D("100.957142857143"))
    assert (trade.entry_time, trade.exit_time) == (T0 + timedelta(seconds=1), T0 + timedelta(seconds=6.5))
    # 10,600.50 − 10,504.65 − 2.10 of fees
    assert (trade.pnl, trips[0].fees, trips[0].entry_value) == (D("93.75"), D("2.10"), D("10504.65"))


def test_an_order_still_filling_is_a_leg_of_what_it_has_filled_so_far() -> None:
    trips, books = round_trips(legs(ENTRY + EXIT[:1]))

    assert [(t.trade.size, t.trade.exit_price, t.trade.exit_time) for t in trips] == [
        (60, D("101.00"), T0 + timedelta(seconds=5))]
    # 60 of the 105 at the entry's average: 6,002.66 of its 10,504.65 (cents, half-even) and 0.60 of its
    # 1.05 of fees; 6,060.00 − 6,002.66 − 0.60 − 0.60
    assert (trips[0].entry_value, trips[0].trade.pnl) == (D("6002.66"), D("56.14"))
    assert [lot.qty for lot in books["AAPL"][1]] == [45]


def test_an_exit_order_closing_two_entry_orders_is_one_trade_per_entry_order() -> None:
    rows = [fill("b2", "buy", "10", "100.00", "0", 1), fill("b3", "buy", "4", "102.00", "0", 2),
            fill("b3", "buy", "6", "102.50", "0", 3), fill("s2", "sell", "5", "103.00", "0", 4),
            fill("s2", "sell", "10", "103.30", "0", 5)]

    trips, books = round_trips(legs(rows))

    # The exit's 1,548.00 split 10 : 5 across the entries; the second entry's 1,023.00 split 5 : 5.
    assert [(t.trade.size, t.trade.entry_price, t.trade.exit_price, t.entry_value, t.trade.pnl) for t in trips] == [
        (10, D("100.00"), D("103.2"), D("1000.00"), D("32.00")),
        (5, D("102.3"), D("103.2"), D("511.50"), D("4.50"))]
    assert all(t.trade.exit_time == T0 + timedelta(seconds=5) for t in trips)
    assert trips[1].trade.entry_time == T0 + timedelta(seconds=2)
    assert [(lot.qty, lot.price, lot.value) for lot in books["AAPL"][1]] == [(5, D("102.3"), D("511.50"))]


def test_orders_filled_whole_pair_as_their_fills_did() -> None:
    rows = [fill("b", "buy", "10", "100.00", "0.10", 1.5), fill("s", "sell", "4", "101.25", "0.03", 3.5),
            fill("t", "sell", "6", "99.50", "0.05", 5.5)]

    trips, _ = round_trips(legs(rows))

    assert [(t.trade.size, t.trade.pnl, t.fees) for t in trips] == [
        (4, D("4.93"), D("0.07")), (6, D("-3.11"), D("0.11"))]
