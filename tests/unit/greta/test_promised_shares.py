"""A backtest refuses, when an order is placed, what the broker refuses then ("insufficient qty available",
marvin.orders.qty_unavailable), and a close cancels the resting orders that promise the shares it sells,
as Veda's close does (trial 27: a stop-loss placed beside a take-profit limit on a 10-share long filled in
the backtest, and was refused live: the limit had promised every share).

Bars: open 100 on each, highs 105 and lows 95 unless said; market orders fill at the next bar's open."""

from __future__ import annotations

from decimal import Decimal as D

from tests.unit.greta.helpers import run

FLAT = [(100.0, 101.0, 99.0, 100.0)] * 6


def statuses(result) -> list[tuple[str, str, str | None]]:
    return [(o.side, o.status, o.reject_reason) for o in result.orders]


def test_a_second_sale_of_the_same_shares_is_refused_when_it_is_placed():
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=10),
                        1: [lambda s: s.sell("AAA", size=10, limit=120), lambda s: s.sell("AAA", size=10, stop=90)]})
    assert statuses(result) == [
        ("buy", "filled", None),
        ("sell", "new", None),  # the take-profit rests
        ("sell", "rejected", "insufficient qty available for order (requested: 10, available: 0): 10 of the 10 "
                             "held are promised to the run's open sell orders"),
    ]
    assert result.orders[2].history[-1].ts == result.orders[2].submitted_at  # refused on the bar it was placed
    # The run's warning says what held the shares (trial 39: "insufficient qty available for order ×63")
    assert result.rejections() == {
        "insufficient qty available for order (the shares held are promised to the run's open sell orders)": 1}


def test_a_partial_sale_of_a_position_with_an_exit_attached_is_refused_saying_so():
    """Trial 39: selling half of a position bought with a take-profit (backtesting.py allows it) was refused
    63 times, and the summary did not say why; Alpaca holds the shares for the exit."""
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=10, take_profit=130), 2: lambda s: s.sell("AAA", size=5)})
    assert statuses(result)[-1] == (
        "sell", "rejected", "insufficient qty available for order (requested: 5, available: 0): 10 of the 10 held "
                            "are promised to the run's open sell orders")


def test_what_is_not_promised_can_still_be_sold():
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=10),
                        1: [lambda s: s.sell("AAA", size=6, limit=120), lambda s: s.sell("AAA", size=4, stop=90),
                            lambda s: s.sell("AAA", size=1, stop=89)]})
    assert [o.status for o in result.orders] == ["filled", "new", "new", "rejected"]
    assert result.orders[3].reject_reason.startswith(
        "insufficient qty available for order (requested: 1, available: 0)")


def test_a_sale_may_not_cross_from_long_to_short_in_one_order():
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=5), 1: lambda s: s.sell("AAA", size=15)}, allow_short=True)
    assert statuses(result)[1] == (
        "sell", "rejected", "insufficient qty available for order (requested: 15, available: 5): a sale may not "
                            "cross from long to short in one order: close first, then sell")
    assert result.positions[0].qty == D(5)


def test_a_close_then_a_sale_reverse_in_one_bar():
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=5),
                        1: [lambda s: s.close("AAA"), lambda s: s.sell("AAA", size=10)]}, allow_short=True)
    assert [o.status for o in result.orders] == ["filled", "filled", "filled"]
    assert result.positions[0].qty == D(-10)


def test_a_buy_may_not_cross_from_short_to_long_in_one_order():
    result = run(FLAT, {0: lambda s: s.sell("AAA", size=5), 1: lambda s: s.buy("AAA", size=8)}, allow_short=True)
    assert statuses(result)[1] == (
        "buy", "rejected", "insufficient qty available for order (requested: 8, available: 5): a buy may not "
                           "cross from short to long in one order: close first, then buy")


def test_without_shorts_an_oversale_keeps_its_own_reason():
    result = run(FLAT, {0: lambda s: s.buy("AAA", size=5), 1: lambda s: s.sell("AAA", size=8)})
    assert statuses(result)[1] == ("sell", "rejected", "shorting is disabled: selling 8 with 5 shares held "
                                                       "(the run's allow_short is off)")


def test_a_close_cancels_the_resting_sale_that_promised_its_shares():
    # The take-profit at 120 rests from bar 1; the close on bar 2 cancels it. Left working, it filled on bar 4's
    # high of 125 against no shares: a short of 10 with shorts allowed.
    rows = FLAT[:4] + [(100.0, 125.0, 99.0, 100.0)] * 2
    result = run(rows, {0: lambda s: s.buy("AAA", size=10), 1: lambda s: s.sell("AAA", size=10, limit=120),
                        2: lambda s: s.close("AAA")}, allow_short=True)
    assert [(o.side, o.type, o.status) for o in result.orders] == [
        ("buy", "market", "filled"), ("sell", "limit", "canceled"), ("sell", "market", "filled")]
    assert result.positions == ()


def test_a_close_leaves_a_resting_buy_that_adds_to_the_position():
    rows = FLAT[:4] + [(100.0, 101.0, 80.0, 100.0)] * 2
    result = run(rows, {0: lambda s: s.buy("AAA", size=10), 1: lambda s: s.buy("AAA", size=3, limit=85),
                        2: lambda s: s.close("AAA")})
    assert [o.status for o in result.orders] == ["filled", "filled", "filled"]  # the limit buy filled on bar 4
    assert result.positions[0].qty == D(3)
