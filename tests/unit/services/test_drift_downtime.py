"""The drift report's note on the backtest's orders on bars the run was not trading: every downtime counts, the
gaps with most orders are named, and the rest are counted (trial 42: a run whose difference came mostly from an
outage got only a "Fill prices" note)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.services.drift_downtime import downtime_note
from app.services.drift_match import Decision, FillLine, line_up
from app.services.drift_notes import Idle

T0 = datetime(2026, 12, 7, 23, 57, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)


def decision(second: int, side: str) -> Decision:
    fill = FillLine(Decimal(10), Decimal(100), Decimal(0), T0 + (second + 1) * SEC)
    return Decision(f"{side}-{second}", T0 + second * SEC, "AAPL", side, "market", Decimal(10), None, None, None, None,
                    "day", "filled", (fill,))


def test_every_gap_counts_the_busiest_are_named_and_the_rest_counted():
    # five downtimes of two bars each (10-11, 20-21, 30-31, 40-41, 50-51); the run traded every other bar
    idle = [T0 + s * SEC for start in range(10, 60, 10) for s in (start, start + 1)]
    ran = [T0 + s * SEC for s in range(60) if T0 + s * SEC not in idle]
    backtest = [decision(s, side) for s, side in ((10, "buy"), (11, "sell"), (20, "buy"), (21, "sell"), (30, "buy"),
                                                  (40, "sell"), (41, "buy"), (55, "sell"))]
    rows = line_up([], backtest, bar=SEC, idle=idle, ran=ran)
    assert downtime_note(rows, Idle(idle, ran)) == (
        "Not trading: 7 of the backtest's 8 orders came on the 10 bars the run was not trading (down, or stopped and "
        "started again), in 5 gaps (2026-12-07T23:57:10Z to 2026-12-07T23:57:11Z: 2 orders; 2026-12-07T23:57:20Z to "
        "2026-12-07T23:57:21Z: 2 orders; 2026-12-07T23:57:40Z to 2026-12-07T23:57:41Z: 2 orders; 1 more order in 1 "
        "other gap; no order in 1 gap). Only the backtest decided on those bars: these orders are its alone, and what "
        "each side held after them can differ, and with it later decisions (the rows' notes say where); what they "
        "made or lost is part of \"from signal\".")


def test_no_note_when_the_backtest_decided_nothing_while_the_run_was_not_trading():
    idle = [T0 + 5 * SEC]
    rows = line_up([], [decision(3, "buy")], bar=SEC, idle=idle, ran=[T0 + s * SEC for s in (3, 4, 6)])
    assert downtime_note(rows, Idle(idle)) is None
    assert downtime_note(rows, Idle()) is None
