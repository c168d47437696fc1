"""Lining up live and backtest decisions, and splitting the P&L difference into execution and signal."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.services.drift_match import Decision, FillLine, line_up, summarise

D = Decimal
T0 = datetime(2024, 6, 3, 14, 30, tzinfo=UTC)


def order(bar: int, side: str, fills: list[tuple[str, str]] | None = None, *, qty: str = "10",
          percent: str | None = None, fee: str = "0", delay: float = 1.0, cid: str = "x") -> Decision:
    at = T0 + timedelta(minutes=bar)
    lines = tuple(FillLine(D(q), D(p), D(fee), at + timedelta(minutes=1, seconds=delay + n))
                  for n, (q, p) in enumerate(fills or []))
    return Decision(cid, at, "AAPL", side, "market", D(qty), None, None if percent is None else D(percent), None, None,
                    "day", "filled" if fills else "new", lines)


def test_same_decisions_at_the_same_prices_are_identical_with_no_drift():
    live = [order(0, "buy", [("10", "100")]), order(5, "sell", [("10", "110")])]
    backtest = [order(0, "buy", [("10", "100")], delay=0), order(5, "sell", [("10", "110")], delay=0)]
    rows = line_up(live, backtest)
    summary = summarise(rows, D(100), D(100))
    assert [r.status for r in rows] == ["identical", "identical"]
    assert (summary.identical_pct, summary.execution, summary.signal) == (100.0, D("0.00"), D("0.00"))
    assert rows[0].fill_delay_s == 1.0


def test_worse_fills_and_fees_are_execution_with_slippage_in_bps():
    live = [order(0, "buy", [("4", "100.10"), ("6", "100.10")], fee="0.5"), order(5, "sell", [("10", "109.89")])]
    backtest = [order(0, "buy", [("10", "100")]), order(5, "sell", [("10", "110")])]
    rows = line_up(live, backtest)
    live_pnl, backtest_pnl = D("109.89") * 10 - D("100.10") * 10 - 1, D(100)
    summary = summarise(rows, live_pnl, backtest_pnl)
    assert summary.execution == D("-3.10") == summary.difference and summary.signal == D("0.00")
    assert rows[0].slippage_bps == 10.0 and round(rows[1].slippage_bps, 6) == 10.0
    assert summary.worst_slippage_bps is not None and summary.partial_fills == 1 and rows[0].live.partial


def test_decisions_only_one_side_made_are_signal():
    live = [order(0, "buy", [("10", "100")])]
    backtest = [order(0, "buy", [("10", "100")]), order(3, "sell", [("10", "95")])]
    rows = line_up(live, backtest)
    summary = summarise(rows, D(0), D(-50))
    assert [r.status for r in rows] == ["identical", "only_backtest"]
    assert (summary.only_backtest, summary.execution, summary.signal) == (1, D("0.00"), D("50.00"))
    assert round(summary.identical_pct, 2) == 50.0


def test_orders_pair_by_their_place_in_the_bar_and_a_different_request_is_not_identical():
    live = [order(0, "buy", cid="a", percent="10"), order(0, "buy", cid="b", percent="20")]
    backtest = [order(0, "buy", cid="c", percent="10"), order(0, "buy", cid="d", percent="25")]
    rows = line_up(live, backtest)
    assert [(r.live.client_order_id, r.backtest.client_order_id, r.status) for r in rows] == [
        ("a", "c", "identical"), ("b", "d", "different")]
    assert rows[1].note == "they asked differently: percent of equity 20 live, 25 in the backtest"


def test_a_pair_refused_on_one_side_only_says_so():
    """Trial 23: "different" rows with an empty note, where live's bracket was rejected and the backtest's open."""
    refused = replace(order(0, "buy", cid="a"), status="rejected",
                      reject_reason="fractional orders cannot be bracket orders")
    rows = line_up([refused, order(3, "buy", [("4", "100")], cid="b")],
                   [order(0, "buy", cid="c"), replace(order(3, "buy", cid="d"), status="rejected", reject_reason=None)])
    assert [(r.status, r.note) for r in rows] == [
        ("different", "live's was rejected: fractional orders cannot be bracket orders; the backtest's is still open"),
        ("different", "live filled 4 of 10 shares in 1 fill (the backtest's was rejected)")]


def test_a_pair_filled_in_pieces_gives_its_execution_to_the_cent():
    # live's average, 569.99 / 3 = 189.99666…, is cut at 12 decimals: the row must not show that cut
    live = [order(0, "buy", [("1", "190.00"), ("1", "190.00"), ("1", "189.99")], qty="3")]
    backtest = [order(0, "buy", [("3", "189.97")], qty="3")]
    rows = line_up(live, backtest)
    assert rows[0].execution == D("-0.08") and rows[0].execution.as_tuple().exponent == -2
    summary = summarise(rows, D("-0.08"), D(0))
    assert (summary.execution, summary.signal) == (D("-0.08"), D("0.00"))


def test_a_decision_on_a_bar_the_run_did_not_run_on_says_so_and_later_differences_name_the_gap():
    """Trial 19: a restart left 25 bars unticked; the backtest bought on one of them, and the report said "an
    earlier order was still filling" about the buy and the sells after it."""
    live = [order(0, "buy", [("10", "100")]), order(10, "sell", [("10", "104")])]
    backtest = [order(0, "buy", [("10", "100")]), order(4, "sell", [("10", "101")])]
    idle = [T0 + timedelta(minutes=m) for m in (3, 4, 5)]
    rows = line_up(live, backtest, idle=idle)
    by_bar = {(r.bar_ts - T0).seconds // 60: r for r in rows}
    assert (by_bar[4].status, by_bar[10].status) == ("only_backtest", "only_live")
    assert by_bar[4].note == ("the run was not running when this bar closed (down, or stopped and started again): "
                              "only the backtest decided on it")
    assert by_bar[10].note == ("before this bar live held 10 shares, the backtest 0; the run was not running on 3 "
                               "earlier bars (2024-06-03T14:33:00Z to 2024-06-03T14:35:00Z), where the backtest went "
                               "on deciding")
    assert by_bar[0].note is None


def test_separate_downtimes_are_named_each_as_its_own_range():
    """Trial 35: killed and restarted twice, the run was down on two stretches of bars with bars it traded
    between them; the note named one span, "45 earlier bars (17:54:59Z to 17:56:16Z)", over the bars it traded."""
    live = [order(0, "buy", [("10", "100")]), order(20, "sell", [("10", "104")])]
    backtest = [order(0, "buy", [("10", "100")]), order(4, "sell", [("10", "101")])]
    idle = [T0 + timedelta(minutes=m) for m in (3, 4, 5, 9, 10)]
    ran = [T0 + timedelta(minutes=m) for m in (0, 1, 2, 6, 7, 8, 11, 20)]
    note = line_up(live, backtest, idle=idle, ran=ran)[-1].note
    assert note == ("before this bar live held 10 shares, the backtest 0; the run was not running on 5 earlier bars "
                    "in 2 gaps (2024-06-03T14:33:00Z to 2024-06-03T14:35:00Z, 2024-06-03T14:39:00Z to "
                    "2024-06-03T14:40:00Z), where the backtest went on deciding")
    # bars missing from the data are no bars it ran on: one downtime still (and a lone bar is its own range)
    assert line_up(live, backtest, idle=idle, ran=[T0, T0 + timedelta(minutes=11)])[-1].note.endswith(
        "not running on 5 earlier bars (2024-06-03T14:33:00Z to 2024-06-03T14:40:00Z), where the backtest went on "
        "deciding")
    many = [T0 + timedelta(minutes=m) for m in (3, 4, 5, 7, 9, 10, 12, 14, 15)]
    assert line_up(live, backtest, idle=many, ran=[T0 + timedelta(minutes=m) for m in range(20)
                                                   if T0 + timedelta(minutes=m) not in many])[-1].note.endswith(
        "not running on 9 earlier bars in 5 gaps (the last 3: 2024-06-03T14:39:00Z to 2024-06-03T14:40:00Z, "
        "2024-06-03T14:42:00Z, 2024-06-03T14:44:00Z to 2024-06-03T14:45:00Z), where the backtest went on deciding")


def test_a_later_decision_only_one_side_made_is_named_rather_than_a_downtime_long_past():
    """Trial 23: after a restart, every later differing row said "the run was not running on 11 earlier bars",
    where the holdings had parted later, on a sale only the backtest made."""
    live = [order(0, "buy", [("10", "100")]), order(12, "sell", [("10", "104")])]
    backtest = [order(0, "buy", [("10", "100")]), order(8, "sell", [("10", "101")])]
    rows = line_up(live, backtest, idle=[T0 + timedelta(minutes=m) for m in (3, 4, 5)])
    assert rows[-1].note == ("before this bar live held 10 shares, the backtest 0; since the sell only the backtest "
                             "made, on the bar of 2024-06-03T14:38:00Z")


def test_without_idle_bars_the_notes_are_as_before():
    live = [order(0, "buy", [("10", "100")])]
    backtest = [order(0, "buy", [("10", "100")]), order(3, "sell", [("10", "95")])]
    rows = line_up(live, backtest, idle=[T0 + timedelta(minutes=5)])
    assert rows[1].note == "before this bar live held 10 shares, the backtest 10"


def test_a_close_the_runs_stop_sent_says_so():
    """Stop and close (app/veda/flatten.py): the sale after the last bar is the stop's, not a signal's."""
    live = [order(0, "buy", [("10", "100")]), order(9, "sell", [("10", "104")], cid="run-1717425000-1-stop")]
    backtest = [order(0, "buy", [("10", "100")])]
    rows = line_up(live, backtest)
    assert [(r.status, r.note) for r in rows] == [("identical", None), ("only_live", (
        "closed at the run's stop (close_positions), after its last bar: the backtest, which did not stop, held its "
        "10 shares then and trades them on its own signals"))]
    after = line_up([order(9, "sell", [("10", "104")], cid="run-1717425060-1-close")], [])
    assert after[0].note == ("closed after the run had stopped (close-positions): the backtest held no shares then")


def test_a_buy_both_made_that_the_broker_refused_live_is_named_as_where_the_holdings_parted():
    """Trial 30: after a buy the broker refused live (buying power) and the backtest filled, the next differing
    row named an older sell only the backtest made, after which both sides had been flat."""
    refused = replace(order(6, "buy"), status="rejected", reject_reason="insufficient buying power")
    backtest = [order(0, "buy", [("10", "100")]), order(3, "sell", [("10", "95")]), order(6, "buy", [("10", "96")]),
                order(9, "sell", [("10", "99")])]
    rows = line_up([refused], backtest)
    assert [r.status for r in rows] == ["only_backtest", "only_backtest", "different", "only_backtest"]
    assert rows[-1].note == ("before this bar live held 0 shares, the backtest 10; since the buy both sides made on "
                             "the bar of 2024-06-03T14:36:00Z, which filled only in the backtest (live's was rejected: "
                             "insufficient buying power)")


def test_a_decision_refused_live_puts_none_of_the_backtests_fees_into_execution():
    """Trial 32: a backtest's fees on 7 buys refused live for buying power ($1,684.95) read as execution, as if
    the fee model overcharged; on the fills both sides made, the backtest had charged less."""
    refused = replace(order(0, "buy", qty="10"), status="rejected")
    live = [refused, order(5, "buy", [("10", "100")], fee="1.20")]
    backtest = [order(0, "buy", [("10", "100")], fee="2.50"), order(5, "buy", [("10", "100")], fee="1.00")]
    rows = line_up(live, backtest)
    summary = summarise(rows, D(0), D(0))
    assert [r.execution for r in rows] == [D("0.00"), D("-0.20")]  # only the pair both filled: 1.00 - 1.20
    assert (summary.execution, summary.execution_fees) == (D("-0.20"), D("-0.20"))
    assert (summary.live_fees, summary.backtest_fees) == (D("1.20"), D("3.50"))  # the totals still say all
