"""Money past what the equity curve keeps exact fails the run, saying so, instead of a bare
OverflowError (cash past int64) or, worse, a silently wrapped or rounded curve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from click.testing import CliRunner

from app.cli import main
from app.greta import BacktestConfig, run_backtest
from app.greta.equity import LARGEST_E4, MoneyRangeError, equity_curve
from app.marvin import BarFrame
from app.marvin.market import Market


def sine_days(days: int) -> BarFrame:
    """A sine a crossover reads perfectly: all in, every trade wins, and the account compounds."""
    start = datetime(2023, 1, 2, tzinfo=UTC)
    ts = np.array([int((start + timedelta(days=i)).timestamp()) * 10**9 for i in range(days)], dtype=np.int64)
    close = np.round(100 + 10 * np.sin(np.arange(days) / 9), 2)
    return BarFrame("AAPL", "1Day", ts, close, close + 1, close - 1, close, np.full(days, 1000.0))


def test_a_run_compounding_past_nine_hundred_billion_dollars_fails_saying_why() -> None:
    config = BacktestConfig("sma_cross", {"fast": 7, "slow": 20}, cash=Decimal("10000"))
    with pytest.raises(MoneyRangeError) as raised:
        run_backtest(config, [sine_days(20_000)])
    assert str(raised.value) == (
        "the account grew past $900,719,925,474 (its cash or a position's value), beyond what Weaver keeps exact "
        "to $0.0001: trade a smaller share of equity, or start with less cash")
    assert isinstance(raised.value, ValueError)  # a user's error: the API's run fails with this reason


def test_the_same_run_on_fewer_days_finishes_with_its_equity_exact() -> None:
    result = run_backtest(BacktestConfig("sma_cross", {"fast": 7, "slow": 20}, cash=Decimal("10000")),
                          [sine_days(2_000)])
    assert result.final_equity == result.final_cash + sum(p.market_value for p in result.positions)
    assert int(result.equity.equity_e4[-1]) == int(result.final_equity * 10_000)


def one_fill_market(close: float) -> Market:
    ts = np.arange(3, dtype=np.int64) * 86_400 * 10**9
    prices = np.full(3, close)
    return Market.of(BarFrame("AAPL", "1Day", ts, prices, prices, prices, prices, np.ones(3)))


def test_cash_or_a_position_worth_just_under_the_limit_is_kept_to_the_hundredth_of_a_cent() -> None:
    most_cents = (LARGEST_E4 - 1) // 100
    curve, _ = equity_curve(one_fill_market(1.0), [], [], most_cents, 1)
    assert int(curve.equity_e4[-1]) == most_cents * 100
    # 2**30 shares at $838.86: a position worth $900,719,066,480.64, just under the limit
    fill = [("o-000001", 0, "buy", 2**30, 0, 0, 1)]
    curve, _ = equity_curve(one_fill_market(838.86), fill, [0], 0, 1)
    assert int(curve.equity_e4[-1]) == 2**30 * 838_8600 == 9_007_190_664_806_400 < LARGEST_E4


def test_cash_or_a_position_worth_the_limit_is_refused() -> None:
    with pytest.raises(MoneyRangeError):
        equity_curve(one_fill_market(1.0), [], [], LARGEST_E4 // 100 + 1, 1)
    with pytest.raises(MoneyRangeError):  # cash after a fill past it
        equity_curve(one_fill_market(1.0), [("o-000001", 0, "sell", 1, 0, 0, 1)], [LARGEST_E4 // 100 + 1], 100, 1)
    with pytest.raises(MoneyRangeError):  # a position's value past it, the cash fine
        equity_curve(one_fill_market(838.87), [("o-000001", 0, "buy", 2**30, 0, 0, 1)], [0], 0, 1)


def test_weaver_backtest_says_so_and_exits_2(tmp_path) -> None:  # noqa: ANN001
    frame = sine_days(20_000)
    days = (frame.ts // (86_400 * 10**9)).astype("datetime64[D]").astype(str)
    rows = [f"{d},{c:.2f},{c + 1:.2f},{c - 1:.2f},{c:.2f},1000" for d, c in zip(days, frame.close, strict=True)]
    csv = tmp_path / "sine.csv"
    csv.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(rows) + "\n")
    done = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--param", "fast=7", "--param", "slow=20",
                                     "--data", str(csv), "--symbol", "AAPL", "--quiet"])
    assert done.exit_code == 2
    assert "the account grew past $900,719,925,474" in done.output and "Traceback" not in done.output
