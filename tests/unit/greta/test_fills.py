"""Fill rules, each pinned by a small hand-written scenario (daily bars: open, high, low, close)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.unit.greta.helpers import fill_prices, run

D = Decimal
FLAT = (100.0, 101.0, 99.0, 100.0)


def statuses(result):
    return [(o.id, o.status) for o in result.orders]


def test_market_buy_fills_at_next_bar_open():
    result = run([FLAT, (102.0, 103.0, 101.0, 102.5)], {0: lambda s: s.buy(size=10)})
    assert fill_prices(result) == [("buy", D(10), D("102.0000"), 1)]
    order = result.orders[0]
    assert order.submitted_at == result.start and order.filled_at == result.end


def test_order_placed_on_the_last_bar_never_fills():
    result = run([FLAT, FLAT], {1: lambda s: s.buy(size=10)})
    assert result.fills == () and result.orders[0].status == "new"


def test_limit_buy_fills_at_limit_when_low_touches_it():
    result = run([FLAT, (100.0, 101.0, 97.0, 99.0)], {0: lambda s: s.buy(size=10, limit=98)})
    assert fill_prices(result) == [("buy", D(10), D("98.0000"), 1)]


def test_limit_buy_does_not_fill_when_low_stays_above_limit():
    result = run([FLAT, (100.0, 101.0, 97.0, 99.0), (99.0, 100.0, 96.5, 97.0)],
                 {0: lambda s: s.buy(size=10, limit=96)})
    assert result.fills == ()
    assert result.orders[0].status == "new"  # gtc: still working at the end


def test_limit_buy_fills_at_open_when_bar_gaps_below_limit():
    result = run([FLAT, (95.0, 96.0, 94.0, 95.5)], {0: lambda s: s.buy(size=10, limit=98)})
    assert fill_prices(result) == [("buy", D(10), D("95.0000"), 1)]


def test_limit_sell_fills_at_open_when_bar_gaps_above_limit_and_at_limit_when_touched():
    rows = [FLAT, FLAT, (106.0, 107.0, 105.0, 106.0), FLAT, (100.0, 104.0, 99.0, 103.0)]
    result = run(rows, {0: lambda s: s.buy(size=20), 1: lambda s: s.sell(size=10, limit=105),
                        3: lambda s: s.sell(size=10, limit=103.5)})
    assert fill_prices(result)[1:] == [("sell", D(10), D("106.0000"), 2), ("sell", D(10), D("103.5000"), 4)]


def test_stop_buy_triggers_at_stop_inside_the_bar():
    result = run([FLAT, (100.0, 103.0, 99.0, 101.0)], {0: lambda s: s.buy(size=10, stop=102)})
    assert fill_prices(result) == [("buy", D(10), D("102.0000"), 1)]


def test_stop_buy_fills_at_open_when_bar_gaps_above_stop():
    result = run([FLAT, (104.0, 105.0, 103.0, 104.0)], {0: lambda s: s.buy(size=10, stop=102)})
    assert fill_prices(result) == [("buy", D(10), D("104.0000"), 1)]


def test_stop_sell_fills_at_open_when_bar_gaps_below_stop():
    rows = [FLAT, FLAT, (90.0, 92.0, 89.0, 91.0)]
    result = run(rows, {0: lambda s: s.buy(size=5), 1: lambda s: s.sell(size=5, stop=95)})
    assert fill_prices(result)[1] == ("sell", D(5), D("90.0000"), 2)


def test_stop_limit_triggered_inside_bar_with_limit_below_stop_waits_then_fills_as_limit():
    rows = [FLAT, (100.0, 106.0, 99.0, 105.0), (107.0, 108.0, 106.0, 107.0), (103.0, 104.0, 102.0, 103.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, stop=105, limit=104)})
    # bar 1 reaches the stop but a bar cannot say whether its low came after: no fill there;
    # bar 2 never trades at 104 or below; bar 3 opens below the limit and fills at its open.
    assert fill_prices(result) == [("buy", D(10), D("103.0000"), 3)]


def test_stop_limit_triggered_inside_bar_fills_at_stop_when_limit_is_above_it():
    result = run([FLAT, (100.0, 107.0, 99.0, 106.0)], {0: lambda s: s.buy(size=10, stop=105, limit=106)})
    assert fill_prices(result) == [("buy", D(10), D("105.0000"), 1)]


def test_stop_limit_gapping_past_stop_but_not_past_limit_fills_at_open():
    result = run([FLAT, (107.0, 108.0, 106.0, 107.0)], {0: lambda s: s.buy(size=10, stop=105, limit=110)})
    assert fill_prices(result) == [("buy", D(10), D("107.0000"), 1)]


def test_bracket_stop_loss_wins_when_take_profit_and_stop_loss_are_both_reached_in_one_bar():
    rows = [FLAT, FLAT, (100.0, 111.0, 94.0, 100.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95)})
    assert fill_prices(result) == [("buy", D(10), D("100.0000"), 1), ("sell", D(10), D("95.0000"), 2)]
    legs = {o.leg: o for o in result.orders if o.leg}
    assert legs["stop_loss"].status == "filled" and legs["take_profit"].status == "canceled"
    assert result.trades[0].pnl == D("-50.00")


def test_bracket_take_profit_fills_at_open_when_bar_gaps_through_it():
    rows = [FLAT, FLAT, (112.0, 113.0, 94.0, 100.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95)})
    assert fill_prices(result)[1] == ("sell", D(10), D("112.0000"), 2)


def test_bracket_stop_loss_fills_at_open_when_bar_gaps_below_it():
    rows = [FLAT, FLAT, (93.0, 111.0, 92.0, 100.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95)})
    assert fill_prices(result)[1] == ("sell", D(10), D("93.0000"), 2)


def test_bracket_take_profit_alone_fills_at_its_limit():
    rows = [FLAT, FLAT, (100.0, 111.0, 99.0, 105.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95)})
    assert fill_prices(result)[1] == ("sell", D(10), D("110.0000"), 2)


def test_bracket_legs_can_fill_on_the_entry_bar_after_a_fill_at_the_open():
    rows = [FLAT, (100.0, 111.0, 99.5, 105.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95)})
    assert fill_prices(result) == [("buy", D(10), D("100.0000"), 1), ("sell", D(10), D("110.0000"), 1)]


def test_bracket_legs_wait_for_the_next_bar_after_an_entry_inside_the_bar():
    rows = [FLAT, (100.0, 101.0, 90.0, 95.0), (95.0, 96.0, 94.0, 95.0)]
    result = run(rows, {0: lambda s: s.buy(size=10, limit=98, stop_loss=92)})
    # The entry filled at 98 inside bar 1; bar 1's low (90) may have come before it, so the stop is
    # first matched on bar 2, which does not reach it.
    assert fill_prices(result) == [("buy", D(10), D("98.0000"), 1)]
    assert [o.status for o in result.orders] == ["filled", "new"]


def test_bracket_legs_are_held_until_the_entry_fills_and_canceled_with_it():
    result = run([FLAT, (100.0, 101.0, 99.0, 100.0), FLAT],
                 {0: lambda s: s.buy(size=10, limit=90, take_profit=110, stop_loss=85),
                  1: lambda s: s.cancel(s.returned[0])})
    assert [(o.status, [e.status for e in o.history]) for o in result.orders] == [
        ("canceled", ["new", "canceled"]), ("canceled", ["held", "canceled"]), ("canceled", ["held", "canceled"])]


def test_order_beyond_buying_power_is_rejected_with_reason_and_the_run_goes_on():
    rows = [FLAT, FLAT, FLAT]
    result = run(rows, {0: lambda s: s.buy(size=1000), 1: lambda s: s.buy(size=10)})
    first, second = result.orders
    assert first.status == "rejected" and "insufficient buying power" in (first.reject_reason or "")
    assert [e.status for e in first.history] == ["new", "rejected"]
    assert second.status == "filled" and result.final_cash == D("9000.00")


def test_sell_without_position_is_rejected_when_shorting_is_off():
    result = run([FLAT, FLAT], {0: lambda s: s.sell(size=5)})
    assert result.orders[0].status == "rejected"
    assert "shorting is disabled" in (result.orders[0].reject_reason or "")


def test_a_percent_sell_without_a_position_says_shorting_is_off_not_that_it_sized_to_nothing():
    result = run([FLAT, FLAT], {0: lambda s: s.sell(percent=10)})  # a strategy's allow_short, the run's off
    assert result.orders[0].status == "rejected"
    assert result.orders[0].reject_reason == ("shorting is disabled: selling with 0 shares held (the run's allow_short "
                                              "is off)")


def test_short_sale_fills_when_shorting_is_allowed():
    result = run([FLAT, FLAT, (90.0, 91.0, 89.0, 90.0)], {0: lambda s: s.sell(size=5), 1: lambda s: s.close()},
                 allow_short=True)
    assert fill_prices(result) == [("sell", D(5), D("100.0000"), 1), ("buy", D(5), D("90.0000"), 2)]
    assert result.trades[0].direction == "short" and result.trades[0].pnl == D("50.00")


def test_day_order_expires_after_the_next_daily_bar_and_gtc_stays():
    rows = [FLAT, FLAT, (90.0, 91.0, 89.0, 90.0)]
    result = run(rows, {0: [lambda s: s.buy(size=1, limit=95, time_in_force="day"),
                            lambda s: s.buy(size=1, limit=95)]})
    day, gtc = result.orders
    assert day.status == "expired" and day.history[-1].ts == result.equity.points()[1].ts
    assert gtc.status == "filled" and gtc.filled_avg_price == D("90.0000")


def test_all_in_percent_buy_on_a_gap_up_is_sized_down_not_rejected():
    result = run([FLAT, (125.0, 126.0, 124.0, 125.0)], {0: lambda s: s.buy(percent=100)})
    assert fill_prices(result) == [("buy", D(80), D("125.0000"), 1)]


def test_value_order_is_sized_in_whole_shares_at_the_fill_price():
    result = run([FLAT, (120.0, 121.0, 119.0, 120.0)], {0: lambda s: s.buy(value=1000)})
    assert fill_prices(result) == [("buy", D(8), D("120.0000"), 1)]


def test_percent_order_buys_fractional_shares_when_the_run_allows_it():
    result = run([FLAT, (120.0, 121.0, 119.0, 120.0)], {0: lambda s: s.buy(percent=100)}, fractional=True)
    assert fill_prices(result) == [("buy", D("83.333333333"), D("120.0000"), 1)]
    assert result.final_cash == D("0.00")


def test_fractional_size_is_rejected_unless_the_run_allows_it():
    result = run([FLAT, FLAT], {0: lambda s: s.buy(size=1.5)})
    assert result.orders[0].status == "rejected" and "fractional" in (result.orders[0].reject_reason or "")


def test_close_sells_only_what_is_held_when_it_fills():
    rows = [FLAT, FLAT, FLAT]
    result = run(rows, {0: lambda s: s.buy(size=10), 1: [lambda s: s.close(), lambda s: s.sell(size=4)]})
    assert [f[:2] for f in fill_prices(result)] == [("buy", D(10)), ("sell", D(10))]
    assert result.orders[2].status == "rejected"  # the sell found nothing left to sell


def test_slippage_in_basis_points_worsens_market_fills_but_not_limit_fills():
    rows = [FLAT, FLAT, (100.0, 101.0, 97.0, 100.0)]
    result = run(rows, {0: lambda s: s.buy(size=10), 1: lambda s: s.buy(size=10, limit=98)}, slippage="50bp")
    assert [f[2] for f in fill_prices(result)] == [D("100.5000"), D("98.0000")]


def test_range_slippage_is_a_fraction_of_the_bar_range_clamped_to_the_bar():
    rows = [FLAT, (100.0, 100.5, 96.0, 99.0)]
    result = run(rows, {0: lambda s: s.buy(size=1)}, slippage="range:0.25")
    assert fill_prices(result)[0][2] == D("100.5000")  # 100 + 0.25 × 4.5 = 101.125, clamped to the high


def test_no_fill_happens_on_the_bar_an_order_was_placed():
    rows = [FLAT, (99.0, 101.0, 95.0, 100.0)]
    result = run(rows, {0: lambda s: s.buy(size=1, limit=100.0), 1: lambda s: s.buy(size=1, limit=100.0)})
    assert len(result.fills) == 1 and result.fills[0].ts == result.end and result.orders[1].status == "new"


def test_a_bracket_leg_cancelled_while_held_stays_cancelled_when_the_entry_fills():
    rows = [FLAT, FLAT, (100.0, 111.0, 99.0, 100.0)]

    def cancel_take_profit(s):
        take_profit = next(o for o in s.open_orders() if o.type == "limit")
        s.cancel(take_profit.id)

    result = run(rows, {0: [lambda s: s.buy(size=10, take_profit=110, stop_loss=95), cancel_take_profit]})
    parent, take_profit, stop_loss = result.orders
    assert (parent.status, take_profit.status, stop_loss.status) == ("filled", "canceled", "new")
    assert len(result.fills) == 1  # bar 2 reached 111, but the take-profit was gone


def test_cancel_all_cancels_working_bracket_legs_and_held_ones_with_their_parent():
    rows = [FLAT, FLAT, FLAT]
    result = run(rows, {0: [lambda s: s.buy(size=10, take_profit=110, stop_loss=95),
                            lambda s: s.buy(size=1, limit=50, take_profit=60, stop_loss=40)],
                        1: lambda s: s.cancel_all()})
    assert [o.status for o in result.orders] == ["filled", "canceled", "canceled", "canceled", "canceled", "canceled"]


@pytest.mark.parametrize("allow_short", [True, False])
def test_closing_a_bracketed_position_cancels_its_exits_so_a_later_stop_never_opens_a_short(allow_short):
    rows = [FLAT, FLAT, FLAT, (100.0, 101.0, 90.0, 92.0), FLAT]
    result = run(rows, {0: lambda s: s.buy(size=10, take_profit=110, stop_loss=95), 1: lambda s: s.close()},
                 allow_short=allow_short)
    parent, take_profit, stop_loss, close = result.orders
    assert (take_profit.leg, stop_loss.leg) == ("take_profit", "stop_loss")
    assert (parent.status, take_profit.status, stop_loss.status, close.status) == (
        "filled", "canceled", "canceled", "filled")
    assert stop_loss.reject_reason is None
    assert fill_prices(result) == [("buy", D(10), D("100.0000"), 1), ("sell", D(10), D("100.0000"), 2)]
    assert result.positions == ()  # bar 3 fell through 95: nothing left to trigger


def test_close_leaves_an_unfilled_bracket_entry_and_its_held_legs_alone():
    rows = [FLAT, FLAT, FLAT]
    result = run(rows, {0: [lambda s: s.buy(size=5), lambda s: s.buy(size=1, limit=50, take_profit=60, stop_loss=40)],
                        1: lambda s: s.close()})
    assert [o.status for o in result.orders] == ["filled", "new", "held", "held", "filled"]
