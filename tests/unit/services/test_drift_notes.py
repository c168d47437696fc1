"""The drift report's notes: how live filled a matched decision, and what each side held before a
decision only one side made (an earlier live order still filling is the trial's case)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.services.drift_match import Decision, FillLine, line_up
from app.services.drift_notes import bar_length, quantity_text

D = Decimal
T0 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)


def decision(bar: int, side: str, qty: str, fills: list[tuple[str, float]], status: str = "filled",
             price: str = "189.97", reject_reason: str | None = None, percent: str | None = "10",
             ended: float | None = None, decided: float | None = None) -> Decision:
    """A market order decided on the 1-second bar `bar`, filled (qty, seconds after T0) by `fills`."""
    lines = tuple(FillLine(D(q), D(price), D(0), T0 + timedelta(seconds=at)) for q, at in fills)
    return Decision(f"{side}-{bar}", T0 + bar * SEC, "AAPL", side, "market", D(qty), None,
                    None if percent is None else D(percent), None, None, "day",
                    status, lines, reject_reason, None if ended is None else T0 + timedelta(seconds=ended),
                    None if decided is None else T0 + timedelta(seconds=decided))


def test_a_buy_filled_in_part_then_cancelled_is_identical_and_says_how_much_filled():
    live = [decision(0, "buy", "52", [("6", 1.2), ("5", 2.2), ("5", 3.2)], status="canceled")]
    backtest = [decision(0, "buy", "52", [("52", 1)])]
    [row] = line_up(live, backtest, bar=SEC)
    assert row.status == "identical"
    assert row.note == "live filled 16 of 52 shares in 3 fills (the backtest 52 in 1); the rest was cancelled"


def test_a_whole_fill_in_pieces_a_fill_still_open_and_none_at_all_are_said_so():
    backtest = [decision(0, "buy", "52", [("52", 1)])]
    pieces = line_up([decision(0, "buy", "52", [("26", 1.2), ("26", 2.2)])], backtest, bar=SEC)[0]
    assert pieces.note == "live filled 52 of 52 shares in 2 fills (the backtest 52 in 1)"
    still = line_up([decision(0, "buy", "52", [("20", 1.2)], status="partially_filled")], backtest, bar=SEC)[0]
    assert still.note == "live filled 20 of 52 shares in 1 fill (the backtest 52 in 1); the rest is still open"
    none = line_up([decision(0, "buy", "52", [], status="expired")], backtest, bar=SEC)[0]
    assert none.note == "live filled 0 of 52 shares (the backtest 52 in 1); it expired"


def test_a_rejected_buy_says_why_the_broker_refused_it():
    # An all-in buy sized at the bar's close reaches the exchange after the price ticked up: its cost at
    # the last trade is over the account's buying power. Greta sized its buy down at the fill and bought.
    live = [decision(0, "buy", "526", [], status="rejected", reject_reason="insufficient buying power")]
    [row] = line_up(live, [decision(0, "buy", "525", [("525", 1)])], bar=SEC)
    assert row.status == "different", "the same request, but live never made the decision"
    assert row.note == ("sized by 10% of equity: live 526 shares, the backtest 525 (each side sizes at its own price: "
                        "live at the last close, the backtest at its fill); live filled 0 of 526 shares (the "
                        "backtest 525 in 1); it was rejected: insufficient buying power")
    refused = decision(0, "buy", "526", [], status="rejected")
    both = line_up([refused], [refused], bar=SEC)
    assert both[0].status == "identical", "refused on both sides alike"
    [bare] = line_up([decision(0, "buy", "526", [], status="rejected")], [decision(0, "buy", "525", [("525", 1)])],
                     bar=SEC)
    assert bare.note.endswith("; live filled 0 of 526 shares (the backtest 525 in 1); it was rejected")


def test_an_order_sized_by_a_share_of_equity_says_why_the_sizes_differ():
    """Trial 21: a row read "identical" (the same request: 20 % of equity) with live asking 13 shares and the
    backtest 52, and said nothing: live still held shares its earlier sell was selling."""
    live = [decision(0, "buy", "40", [("40", 0.5)], percent=None),
            decision(1, "sell", "40", [("25", 2.5), ("15", 4.5)], percent=None),
            decision(3, "buy", "13", [("13", 4.8)], percent="20")]
    backtest = [decision(0, "buy", "40", [("40", 1)], percent=None),
                decision(1, "sell", "40", [("40", 2)], percent=None),
                decision(3, "buy", "52", [("52", 4)], percent="20")]
    rows = line_up(live, backtest, bar=SEC)
    assert rows[2].status == "identical"
    assert rows[2].note.startswith("sized by 20% of equity: live 13 shares, the backtest 52 (when deciding, live "
                                   "held 15 shares, the backtest 0: an earlier order was still filling)"), rows[2].note
    alike = line_up([decision(2, "buy", "52", [("52", 3)], percent="20")],
                    [decision(2, "buy", "52", [("52", 3)], percent="20")], bar=SEC)
    assert alike[0].note is None


def test_closes_of_different_sizes_say_what_each_side_held_when_it_decided():
    # The trial's run: live's buy filled 16 of 52 before the strategy's sell cancelled the rest, so its
    # close at bar 5 asks for 16 shares where the backtest's asks for 52. Both close the whole position:
    # the same request, with the sizes explained. The last 6 shares filled after bar 5 closed (at 6.3 s)
    # but before live decided (6.5 s): what it held when it decided is what it asked to sell.
    live = [decision(0, "buy", "52", [("6", 1.2), ("4", 2.2), ("6", 6.3)], status="canceled"),
            decision(5, "sell", "16", [("9", 6.8), ("7", 7.3)], percent=None, decided=6.5)]
    backtest = [decision(0, "buy", "52", [("52", 1)]), decision(5, "sell", "52", [("52", 6)], percent=None)]
    rows = line_up(live, backtest, bar=SEC)
    assert [r.status for r in rows] == ["identical", "identical"]
    assert rows[1].note == ("live asked for 16 shares, the backtest 52 (when deciding, live held 16 shares, the "
                            "backtest 52: an earlier order was still filling); live filled 16 of 16 shares in 2 "
                            "fills (the backtest 52 in 1)")
    same = line_up(live[:1] + [decision(5, "sell", "52", [("52", 6.3)], percent=None)], backtest, bar=SEC)
    assert not same[1].note or "asked for" not in same[1].note, "equal closes need no size note"


def test_a_cancelled_rest_says_who_cancelled_it():
    # The trial's run: the buy of bar 0 filled 16 of 52; the strategy's sell decided on bar 5 (its close at
    # 6 s) cancelled the rest first, at 6.1 s. Another run's buy was cancelled by its stop.
    backtest = [decision(0, "buy", "52", [("52", 1)]), decision(5, "sell", "52", [("52", 6)], percent=None)]
    live = [decision(0, "buy", "52", [("6", 1.2), ("5", 2.2), ("5", 3.2)], status="canceled", ended=6.1),
            decision(5, "sell", "16", [("16", 6.3)], percent=None)]
    rows = line_up(live, backtest, bar=SEC)
    assert rows[0].note == ("live filled 16 of 52 shares in 3 fills (the backtest 52 in 1); the rest was cancelled "
                            "by the strategy, before its next order (a sell)")
    stopped = line_up(live[:1], backtest[:1], bar=SEC, cancelled_at_stop={"buy-0": "at the run's stop"})
    assert stopped[0].note.endswith("; the rest was cancelled at the run's stop")
    killed = line_up(live[:1], backtest[:1], bar=SEC, cancelled_at_stop={"buy-0": "by the kill switch"})
    assert killed[0].note.endswith("; the rest was cancelled by the kill switch")
    # on second bars the next bar's decision is a second later: the first decision within a second of the
    # cancellation made it (the sell recorded at 6.5 s, not the buy at 7.5 s)
    racing = [decision(0, "buy", "52", [("16", 1.2)], status="canceled", ended=6.6),
              decision(5, "sell", "16", [("16", 6.8)], percent=None, decided=6.5),
              decision(6, "buy", "52", [], status="new", decided=7.5)]
    assert line_up(racing, backtest, bar=SEC)[0].note.endswith("by the strategy, before its next order (a sell)")
    # cancelled before the sell's bar closed: not the strategy's doing, and no stop says so either
    early = [decision(0, "buy", "52", [("16", 1.2)], status="canceled", ended=4.0), live[1]]
    assert line_up(early, backtest, bar=SEC)[0].note.endswith("; the rest was cancelled")


def test_the_same_fills_need_no_note():
    same = line_up([decision(0, "buy", "52", [("52", 1.2)])], [decision(0, "buy", "52", [("52", 1)])], bar=SEC)
    assert same[0].note is None


def test_a_sell_still_filling_at_the_next_cross_explains_the_buy_only_the_backtest_made():
    # Live's sell of bar 5 fills over bars 6, 7 and 9: at the close of bar 8 it still holds 12 shares, so
    # a strategy that buys only when flat does not buy; Greta filled its sell at bar 6's open and did.
    live = [decision(0, "buy", "36", [("36", 1.2)]),
            decision(5, "sell", "36", [("12", 6.3), ("12", 7.3), ("12", 9.3)])]
    backtest = [decision(0, "buy", "36", [("36", 1)]), decision(5, "sell", "36", [("36", 6)]),
                decision(8, "buy", "36", [("36", 9)]), decision(11, "sell", "36", [("36", 12)])]
    rows = line_up(live, backtest, bar=SEC)
    assert [r.status for r in rows] == ["identical", "identical", "only_backtest", "only_backtest"]
    assert rows[1].note == "live filled 36 of 36 shares in 3 fills (the backtest 36 in 1)"
    assert rows[2].note == "before this bar live held 12 shares, the backtest 0: an earlier order was still filling"
    # trial 21: said what, not why; the buy only the backtest made (rows[2]) is where the holdings parted
    assert rows[3].note == ("before this bar live held 0 shares, the backtest 36; since the buy only the backtest "
                            "made, on the bar of 2026-12-04T15:00:08Z")


def test_a_decision_only_live_made_states_both_positions_and_shorts_and_coins_read_as_such():
    live = [decision(0, "sell", "3", [("3", 1.2)]), decision(4, "buy", "3", [("3", 5.2)])]
    rows = line_up(live, [decision(0, "sell", "3", [("3", 1)])], bar=SEC)
    assert rows[1].status == "only_live"
    assert rows[1].note == "before this bar live held short 3 shares, the backtest short 3"
    coin = Decision("c", T0 + 4 * SEC, "BTC/USD", "buy", "market", D("0.5"), None, None, None, None, "gtc", "filled",
                    (FillLine(D("0.5"), D("60000"), D(0), T0 + 5 * SEC),))
    assert line_up([coin], [], bar=SEC)[0].note == "before this bar live held 0 BTC, the backtest 0"


def test_fills_count_before_the_bars_close_or_without_a_length_up_to_its_time():
    live = [decision(0, "buy", "10", [("10", 3.5)])]
    backtest = [decision(0, "buy", "10", [("10", 1)]), decision(3, "sell", "10", [("10", 4)])]
    assert line_up(live, backtest, bar=SEC)[1].note == (
        "before this bar live held 10 shares, the backtest 10")  # the fill at 3.5 s came within bar 3
    assert line_up(live, backtest)[1].note == (
        "before this bar live held 0 shares, the backtest 10: an earlier order was still filling")


def test_bar_lengths_and_quantities_as_text():
    assert (bar_length("1Sec"), bar_length("5Min"), bar_length("1Day"), bar_length("nonsense")) == (
        SEC, timedelta(minutes=5), timedelta(days=1), timedelta(0))
    assert [quantity_text(D(v)) for v in ("2.000000000", "189.970000000000", "0E-9", "1E+2", "0.50")] == [
        "2", "189.97", "0", "100", "0.5"]


def test_a_backtest_order_placed_on_its_last_bar_is_said_still_open_not_filled_0_in_0():
    """Trial 22: "live filled 16 of 24 shares in 1 fill (the backtest 0 in 0)" for a buy on the window's last bar,
    which the backtest had no next bar to fill."""
    live = [decision(5, "buy", "24", [("16", 6.2)], status="canceled")]
    [row] = line_up(live, [decision(5, "buy", "24", [], status="new")], bar=SEC)
    assert row.note.startswith("live filled 16 of 24 shares in 1 fill (the backtest's was still open when its "
                               "window ended)")


def test_a_resting_exit_that_filled_later_is_said_to_be_working_not_filling():
    """Trial 27: a take-profit limit resting for minutes read "an earlier order was still filling"."""
    from dataclasses import replace

    live = [decision(0, "buy", "10", [("10", 1.2)]),
            replace(decision(1, "sell", "10", [("10", 9.3)]), type="limit", limit_price=D("200"))]
    backtest = [decision(0, "buy", "10", [("10", 1)]), replace(decision(1, "sell", "10", [("10", 3)]), type="limit",
                                                                limit_price=D("200")),
                decision(5, "buy", "10", [("10", 6)])]
    rows = line_up(live, backtest, bar=SEC)
    assert rows[2].status == "only_backtest"
    assert rows[2].note == ("before this bar live held 10 shares, the backtest 0: an earlier limit or stop order was "
                            "still working (it filled later)")


def test_an_unfilled_order_the_kill_switch_cancelled_says_so():
    """Trial 28: a resting limit neither side filled, cancelled live by the kill switch, read as identical with
    no note; the backtest's was still working at the end of its window."""
    live = [decision(0, "buy", "3", [("3", 1.2)]), decision(1, "sell", "3", [], status="canceled", ended=4.0)]
    backtest = [decision(0, "buy", "3", [("3", 1)]), decision(1, "sell", "3", [], status="new")]
    rows = line_up(live, backtest, bar=SEC, cancelled_at_stop={"sell-1": "by the kill switch"})
    assert rows[1].note == ("live's was cancelled by the kill switch; the backtest's was still open when its window "
                            "ended")


def test_a_sale_filled_in_part_is_named_as_where_the_two_parted_not_an_older_cause():
    """Trial 38: a sell both sides made filled 20 of 24 live (the rest cancelled); the live run's later sale of
    the 4 left was put down to a buy only live made long before, or to a downtime."""
    live = [decision(0, "buy", "24", [("24", 1)]), decision(2, "buy", "3", [("3", 3)]),
            decision(3, "sell", "3", [("3", 4)]),
            decision(5, "sell", "24", [("20", 6)], status="canceled", ended=7), decision(9, "sell", "4", [("4", 10)])]
    backtest = [decision(0, "buy", "24", [("24", 1)]), decision(5, "sell", "24", [("24", 6)])]
    rows = line_up(live, backtest, bar=SEC)
    last = rows[-1]
    assert (last.status, last.side) == ("only_live", "sell")
    assert last.note.endswith("; since the sell both sides made on the bar of 2026-12-04T15:00:05Z, which filled 20 "
                              "live (canceled) and 24 in the backtest"), last.note


def test_a_different_pair_from_different_holdings_says_what_each_held_and_how_they_asked():
    """Trial 38: live opened a 24-share short where the backtest closed a 24-share long, and the row's note gave
    only the fill counts."""
    live = [decision(0, "buy", "24", [("24", 1)]), decision(5, "sell", "24", [("24", 6)], percent=None),
            decision(9, "sell", "24", [("24", 10)])]
    backtest = [decision(0, "buy", "24", [("24", 1)]), decision(9, "sell", "24", [("24", 10)], percent=None)]
    row = line_up(live, backtest, bar=SEC)[-1]
    assert row.status == "different"
    assert row.note == ("before this bar live held 0 shares, the backtest 24; since the sell only live made, on the "
                        "bar of 2026-12-04T15:00:05Z; they asked differently: percent of equity 10 live, none in the "
                        "backtest"), row.note


KILLED = datetime(2026, 12, 7, 23, 57, 19, tzinfo=UTC)  # the bar of trial 41's buy; the run was down after it
DOWN = [KILLED + s * SEC for s in range(1, 226)]  # 225 bars, 23:57:20 to 00:01:04
UP = [KILLED + s * SEC for s in (*range(-10, 1), *range(226, 240))]


def msft(fills: list[tuple[str, str, float]], qty: str = "48") -> Decision:
    """A buy of MSFT on KILLED's bar, filled (qty, price, seconds after the bar) by `fills`."""
    lines = tuple(FillLine(D(q), D(p), D(0), KILLED + timedelta(seconds=at)) for q, p, at in fills)
    return Decision("buy-msft", KILLED, "MSFT", "buy", "market", D(qty), None, D("20"), None, None, "day", "filled",
                    lines)


def test_an_order_that_went_on_filling_through_an_outage_says_which_part_filled_after_it():
    """Trial 41: a buy of 48 MSFT had 38 filled when the process was killed; the other 10 filled after the restart,
    3 min 46 s later and about 45 cents dearer, and the row read "identical", "live filled 48 of 48 shares in 6
    fills (the backtest 48 in 1)", as if nothing had happened."""
    live = msft([("10", "410.05", 1.3), ("10", "410.08", 1.8), ("10", "410.10", 2.5), ("8", "410.09", 3.99),
                 ("7", "410.53", 229.991), ("3", "410.54", 230.188)])
    backtest = msft([("48", "410.06", 1)])
    [row] = line_up([live], [backtest], bar=SEC, idle=DOWN, ran=UP)
    assert row.status == "identical", "the same request: how it filled is the note's to say"
    assert row.note == ("live filled 48 of 48 shares in 6 fills (the backtest 48 in 1); 10 of its 48 shares filled "
                        "3 min 46 s later, after the 225 bars the run was not trading (2026-12-07T23:57:20Z to "
                        "2026-12-08T00:01:04Z), at 410.53–410.54 (the first 38 at 410.08 on average)")
    # all of it after the restart: timed from the bar's close; before the downtime only, or no downtime: as before
    whole = line_up([msft([("48", "410.53", 229.991)])], [backtest], bar=SEC, idle=DOWN, ran=UP)[0]
    assert whole.note == ("its 48 shares filled 3 min 49 s after its bar closed, after the 225 bars the run was not "
                          "trading (2026-12-07T23:57:20Z to 2026-12-08T00:01:04Z), at 410.53")
    before = msft([("38", "410.08", 1.3), ("10", "410.10", 3.99)])
    assert line_up([before], [backtest], bar=SEC, idle=DOWN, ran=UP)[0].note == (
        "live filled 48 of 48 shares in 2 fills (the backtest 48 in 1)")
    assert line_up([live], [backtest], bar=SEC)[0].note == (
        "live filled 48 of 48 shares in 6 fills (the backtest 48 in 1)")


def btc(qty: str, price: str, cid: str = "buy-btc") -> Decision:
    """A buy of 100 % of equity in BTC on the bar of 00:07:20, filled whole at `price` a second later."""
    bar = datetime(2026, 12, 8, 0, 7, 20, tzinfo=UTC)
    return Decision(cid, bar, "BTC/USD", "buy", "market", D(qty), None, D("100"), None, None, "gtc", "filled",
                    (FillLine(D(qty), D(price), D(0), bar + SEC),))


def test_orders_sized_on_equity_that_had_parted_say_so_with_both_figures():
    """Trial 41: at 00:07:20 live bought 0.260963521 BTC and the backtest 0.211380655 (23 % apart), and the note
    said "each side sizes at its own price"; live had $15,702.11, the backtest $12,718.40, after an outage where the
    backtest traded alone."""
    live, backtest = btc("0.260963521", "60170.20"), btc("0.211380655", "60168.40")
    bar = live.bar_ts
    down = [bar - s * SEC for s in range(100, 200)]
    equity = ([(bar - 300 * SEC, 10_000.0), (bar, 15_702.11)], [(bar - 300 * SEC, 10_000.0), (bar, 12_718.40)])
    [row] = line_up([live], [backtest], bar=SEC, idle=down, equity=equity)
    assert row.note.startswith(
        "sized by 100% of equity: live 0.260963521 BTC, the backtest 0.211380655 (their equity differed: live had "
        "$15,702.11, the backtest $12,718.40; they parted earlier: see the rows before); the run was not running on "
        "100 earlier bars (2026-12-08T00:04:01Z to 2026-12-08T00:05:40Z), where the backtest went on deciding; "
    ), row.note
    # the same equity: the prices (and, where it models them, the backtest's fees) are what sized them apart
    alike = ([(bar, 15_702.11)], [(bar, 15_702.11)])
    near = line_up([btc("0.260963521", "60170.20")], [btc("0.259", "60170.20")], bar=SEC, equity=alike)[0]
    assert "(each side sizes at its own price: live at the last close, the backtest at its fill)" in near.note
    # a few dollars apart do not make a 1 % gap: that is no equity's doing
    close = ([(bar, 15_702.11)], [(bar, 15_690.00)])
    assert "equity differed" not in line_up([live], [btc("0.258", "60168.40")], bar=SEC, equity=close)[0].note
    # without the curves (a caller that gives none): as before
    assert "each side sizes at its own price" in line_up([live], [backtest], bar=SEC)[0].note
