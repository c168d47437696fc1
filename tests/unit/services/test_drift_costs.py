"""The drift report's notes on costs: a paper or live run pays its broker's fees and fills at its prices,
while the backtest side applies the fee and slippage models; the report says so, with the amounts, and
the summary splits the fee part out of "from execution"."""

from __future__ import annotations

from decimal import Decimal

from app.greta.specs import FeeSpec, SlippageSpec
from app.services.drift_costs import cost_notes
from app.services.drift_match import line_up, summarise
from tests.unit.services.test_drift_match import order

D = Decimal


def _report(live_fee: str, backtest_fee: str, backtest_qty: str = "12"):  # noqa: ANN202
    live = [order(0, "buy", [("12", "100")], qty="12", percent="99", fee=live_fee),
            order(5, "sell", [("12", "110")], qty="12", fee=live_fee)]
    backtest = [order(0, "buy", [(backtest_qty, "100.20")], qty=backtest_qty, percent="99", fee=backtest_fee),
                order(5, "sell", [(backtest_qty, "109.78")], qty=backtest_qty, fee=backtest_fee)]
    rows = line_up(live, backtest)
    return rows, summarise(rows, D(120), D(90))


def test_a_fee_model_the_broker_did_not_charge_is_named_with_both_amounts_and_its_share_of_execution():
    rows, summary = _report("0", "6.01", backtest_qty="11")
    assert (summary.live_fees, summary.backtest_fees, summary.execution_fees) == (D("0.00"), D("12.02"), D("12.02"))
    notes = cost_notes(rows, FeeSpec.parse("percent:0.5"), SlippageSpec.parse("20bp"), summary.live_fees,
                       summary.backtest_fees, summary.execution_fees)
    assert notes[0] == ("Fees: the backtest side charged $12.02 under the fee model percent:0.5; the broker charged "
                        "$0.00. A paper or live run pays what its broker charges: the fee model is a backtest's "
                        "assumption, applied here to the backtest side only (+$12.02 of \"from execution\" is "
                        "this difference on the decisions both sides filled).")
    assert notes[1].startswith("Slippage: the backtest side's fills are moved against each order by the slippage "
                               "model 20bp; live fills are at the broker's own prices")
    assert notes[2] == ("Sizes: 1 matched order sized by a share of equity came to a different quantity on each "
                        "side: the backtest sizes at its own prices and keeps room for its modelled fees.")


def test_an_order_sized_alike_that_live_filled_only_in_part_is_no_sizing_difference():
    """Trial 21: "Sizes: 2 matched orders …" counted a buy both sides sized at 52 that live filled 13 of (the
    rest cancelled): its own row's note says so; the sizing note counts the sizes asked."""
    live = [order(0, "buy", [("13", "100")], qty="52", percent="99"), order(5, "buy", [("52", "101")], qty="52",
                                                                            percent="99")]
    backtest = [order(0, "buy", [("52", "100.20")], qty="52", percent="99", fee="0.5"),
                order(5, "buy", [("51", "101.10")], qty="51", percent="99", fee="0.5")]
    rows = line_up(live, backtest)
    summary = summarise(rows, D(0), D(0))
    notes = cost_notes(rows, FeeSpec.parse("percent:0.5"), SlippageSpec(), summary.live_fees, summary.backtest_fees,
                       summary.execution_fees)
    assert notes[-1].startswith("Sizes: 1 matched order sized by a share of equity came to a different quantity")


def test_a_cost_free_comparison_says_only_what_the_fill_prices_made():
    """Trial 25: "from execution" was most of the gap, every identical row 2 to 4 bps apart, and no word why."""
    rows, summary = _report("0", "0")
    assert cost_notes(rows, FeeSpec(), SlippageSpec(), summary.live_fees, summary.backtest_fees,
                      summary.execution_fees) == [
        "Fill prices: +$5.04 of \"from execution\" is the prices of the 2 matched decisions both sides filled (live "
        "-20.0 bps on average): live filled at the broker's prices (a market order meets the quote, the ask or the "
        "bid, when it arrives after the bar closed), the backtest at the next bar's open."]
    assert summary.execution == D("5.04")


def test_fees_the_broker_charged_without_a_model_are_still_named():
    rows, summary = _report("0.25", "0")
    notes = cost_notes(rows, FeeSpec(), SlippageSpec(), summary.live_fees, summary.backtest_fees,
                       summary.execution_fees)
    assert len(notes) == 2 and notes[0].startswith("Fees: the backtest side charged $0.00 under the fee model none; "
                                                   "the broker charged $0.50.")
    assert notes[1].startswith("Fill prices: +$5.04 of \"from execution\"")  # the fees' -$0.50 left out
    assert "(-$0.50 of \"from execution\"" in notes[0]


def test_orders_sized_apart_by_the_two_sides_equity_are_not_put_down_to_the_cost_models():
    """Trial 41: a buy 23 % larger live, sized on $15.7k of equity against the backtest's $12.7k after an outage,
    was counted in "the backtest sizes at its own prices and keeps room for its modelled fees"."""
    live = [order(0, "buy", [("12", "100")], qty="12", percent="99"), order(5, "buy", [("15", "100")], qty="15",
                                                                            percent="99")]
    backtest = [order(0, "buy", [("11", "100.20")], qty="11", percent="99", fee="0.5"),
                order(5, "buy", [("12", "100.20")], qty="12", percent="99", fee="0.5")]
    bar = live[1].bar_ts
    rows = line_up(live, backtest, equity=([(live[0].bar_ts, 1212.0), (bar, 1515.0)],
                                           [(live[0].bar_ts, 1212.0), (bar, 1212.0)]))
    assert "their equity differed: live had $1,515.00, the backtest $1,212.00" in rows[1].note
    summary = summarise(rows, D(0), D(0))
    notes = cost_notes(rows, FeeSpec.parse("percent:0.5"), SlippageSpec(), summary.live_fees, summary.backtest_fees,
                       summary.execution_fees)
    assert notes[-1].startswith("Sizes: 1 matched order sized by a share of equity came to a different quantity")
