"""`weaver runs drift` at 80 columns: the decisions that differ, with their notes, cut nowhere; quantities
and prices without trailing zeros, times short and in this machine's zone, as `weaver runs show` writes them."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rich.console import Console

from app.cli.drift_table import print_drift
from app.services.drift import DriftReport
from app.services.drift_match import Decision, FillLine, line_up, summarise

D = Decimal
T0 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)


def decision(bar: int, side: str, qty: str, fills: list[tuple[str, float]], status: str = "filled") -> Decision:
    lines = tuple(FillLine(D(q), D("189.970000000000"), D(0), T0 + timedelta(seconds=at)) for q, at in fills)
    return Decision(f"{side}-{bar}", T0 + bar * SEC, "AAPL", side, "market", D(qty).quantize(D("1e-9")), None, D(10),
                    None, None, "day", status, lines)


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This machine's zone, UTC unless a test sets TZ (and calls time.tzset)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def report() -> DriftReport:
    """The trial's run: a buy filled 16 of 52 then cancelled; a sell still filling at the next cross."""
    live = [decision(0, "buy", "52", [("6", 1.2), ("5", 2.2), ("5", 3.2)], status="canceled"),
            decision(5, "sell", "16", [("8", 6.3), ("8", 9.3)]),
            decision(14, "buy", "2", [("2.000000000", 15.2)])]
    backtest = [decision(0, "buy", "52", [("52", 1)]), decision(5, "sell", "52", [("52", 6)]),
                decision(8, "buy", "50", [("50", 9)]), decision(11, "sell", "50", [("50", 12)]),
                decision(14, "buy", "2", [("2", 15)])]
    rows = line_up(live, backtest, bar=SEC)
    return DriftReport("run-1", None, "sma_cross", {"fast": 3, "slow": 6, "percent": 10}, 30, 6, "live_bars",
                       summarise(rows, D(-3), D(5)), rows)


def shown(width: int, made: DriftReport | None = None) -> str:
    out = io.StringIO()
    print_drift(made or report(), Console(file=out, width=width, color_system=None))
    return out.getvalue()


def notes(text: str) -> str:
    """The note column's text, its wrapped pieces joined: the last cell of each body line."""
    body = [line.split("│")[-2].strip() for line in text.splitlines() if line.count("│") >= 3]
    return re.sub(r"\s+", " ", " ".join(body))


def test_at_80_columns_the_differing_decisions_show_their_notes_whole_and_nothing_is_cut():
    text = shown(80)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    rows = report().rows
    assert [r.status for r in rows] == ["identical", "identical", "only_backtest", "only_backtest", "identical"]
    joined = notes(text)
    for row in rows[:4]:  # (a note's ISO stamps in this machine's zone: here UTC)
        assert row.note and row.note.replace("T15:00:08Z", " 15:00:08 UTC") in joined
    assert "live filled 16 of 52 shares in 3 fills (the backtest 52 in 1); the rest was cancelled" in joined
    assert "before this bar live held 8 shares, the backtest 0: an earlier order was still filling" in joined
    assert "only backtest" in text and "buy AAPL" in text and "15:00:08" in text and "2026-12-04" in text
    assert "15:00:14" not in text, "an identical decision filled alike is not a decision that differs"


def test_wider_the_live_fill_slippage_and_delay_are_added_with_no_trailing_zeros():
    text = shown(160)
    assert "16 @ 189.97" in text and "slippage bps" in text and "delay s" in text
    assert "0000" not in text and "-0 " not in text


def test_times_are_in_this_machines_zone_as_runs_show_writes_them(monkeypatch: pytest.MonkeyPatch):
    """Trial 42: `runs drift` wrote "(UTC, 2026-12-08)" under TZ=America/Los_Angeles, where `runs show` wrote its
    times in PST; `--json` stays UTC (tests/integration/live/test_drift.py)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    text = shown(160)
    assert "decisions that differ or filled otherwise (PST, 2026-12-04)" in text
    assert "07:00:08" in text and "15:00:08" not in text and "UTC" not in text
    assert "on the bar of 2026-12-04 07:00:08 PST" in notes(text)  # a note's stamp too


def test_a_replay_says_how_many_bars_fell_while_the_run_was_not_trading_and_how_to_backtest_its_period():
    """Trial 42: "a replay of 1,114 bars" of a run that was down for 225 of them; and the backtest of the same
    period ends at the run's last bar, not at its stop."""
    made = replace(report(), idle_bars=5, first_bar=T0 - 6 * SEC, last_bar=T0 + 23 * SEC)
    text = shown(200, made)
    assert "vs a replay of 30 bars (6 warm-up, 5 while the run was not trading, from live_bars)" in text
    assert ("to backtest the same period as a run of its own: the same settings, --start 2026-12-04T14:59:54+00:00 "
            "--end 2026-12-04T15:00:23+00:00 (the replay's first bar and the run's last) --warmup 6") in text
    assert "not trading" not in shown(200), "a run that traded every bar"
