"""Annualised figures (CAGR, volatility, Sharpe, Sortino, Calmar) wait for 30 returns covering a month of
the run's year: a Sharpe of ten seconds, or of a five-day backtest, is withheld with its reason."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from app.clock.timeframes import parse_timeframe
from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.greta.metrics import ANNUALISED, annualised_shortfall, equity_metrics, returns_needed, unavailable

SECOND_YEAR = parse_timeframe("1Sec").periods_per_year  # 252 sessions of 6.5 h


@pytest.mark.parametrize(("bars_per_year", "needed"), [
    (252, 30),  # daily stocks: 30 returns (a month would be 19 to 23)
    (365, 30),  # daily crypto: the shortest month is 28 days
    (252 * 390, 7_410),  # minute stocks: the shortest month, a February of 19 sessions of 390 minutes
    (365 * 24, 661),  # hourly crypto: 27.5 days (a 28-day February holds 672 hours)
    (365 * 24 * 60, 39_629),  # minute crypto: a 30-day month (43,200 minutes) is enough (trial 26: it was not)
    (52, 30),
])
def test_the_rule_needs_30_returns_and_a_month_of_the_year(bars_per_year, needed):
    assert returns_needed(bars_per_year) == needed
    assert annualised_shortfall(needed + 1, bars_per_year) is None  # bars = returns + 1
    reason = annualised_shortfall(needed, bars_per_year)
    month = f": a month of this run's year of {bars_per_year:,.0f} bars" if needed > 30 else ""
    assert reason == f"not enough data: {needed - 1:,} returns; annualised figures need at least {needed:,}{month}"


def test_a_ten_second_paper_curve_has_no_sharpe_and_says_why():
    equity = np.array([100_000.0, 100_010.0, 99_990.0, 100_020.0, 100_005.0, 99_980.0, 100_030.0, 100_000.0,
                       100_015.0, 99_995.0])
    figures = equity_metrics(equity, 100_000.0, SECOND_YEAR)
    assert {name: figures.get(name) for name in ("sharpe", "sortino", "volatility_pct")} == dict.fromkeys(
        ("sharpe", "sortino", "volatility_pct"))
    assert figures["total_return_pct"] == pytest.approx(-0.005)  # what is not annualised stays
    assert figures["max_drawdown_pct"] is not None
    reasons = unavailable(figures)
    assert set(reasons) == {"sharpe", "sortino", "volatility_pct"}  # this curve reports no CAGR or Calmar
    assert reasons["sharpe"].startswith("not enough data: 9 returns; annualised figures need at least 444,600: ")


def test_a_five_day_minute_backtest_withholds_every_annualised_figure():
    bars = synthetic_bars("AAA", 5 * 390, seed=3, timeframe="1Min", volatility=0.4)
    result = run_backtest(BacktestConfig("buy_and_hold", cash=Decimal(100_000), asset_class="us_equity"), bars)
    assert [result.metrics[name] for name in ANNUALISED] == [None] * 5
    assert result.metrics["total_return_pct"] is not None and result.metrics["bars_per_year"] == 252 * 390
    assert set(unavailable(result.metrics)) == set(ANNUALISED)


def test_a_two_year_daily_backtest_keeps_its_figures_as_computed_from_its_equity():
    bars = synthetic_bars("AAA", 504, seed=5, volatility=0.3)
    result = run_backtest(BacktestConfig("buy_and_hold", cash=Decimal(100_000), asset_class="us_equity"), bars)
    equity = result.equity.equity_e4 / 10_000.0
    r = np.diff(equity) / equity[:-1]
    # the definitions in app/greta/metrics.py, on the run's own curve: nothing withheld, nothing changed
    assert result.metrics["sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * math.sqrt(252), rel=1e-12)
    assert result.metrics["volatility_pct"] == pytest.approx(r.std(ddof=1) * math.sqrt(252) * 100, rel=1e-12)
    cagr = (equity[-1] / 100_000) ** (252 / 503) - 1
    assert result.metrics["cagr_pct"] == pytest.approx(cagr * 100, rel=1e-12)
    assert result.metrics["calmar"] == pytest.approx(cagr / (result.metrics["max_drawdown_pct"] / 100), rel=1e-12)
    assert all(result.metrics[name] is not None for name in ANNUALISED)
    assert unavailable(result.metrics) == {}


def test_stored_metrics_without_a_year_give_no_reason():
    assert unavailable({"bars": 3, "sharpe": None}) == {}  # a run stored before bars_per_year was reported
    stored = {"bars": 3, "bars_per_year": 252.0, **dict.fromkeys(ANNUALISED)}
    assert unavailable(stored) == dict.fromkeys(ANNUALISED, (
        "not enough data: 2 returns; annualised figures need at least 30"))


def test_the_backtest_command_says_why_its_sharpe_is_blank():
    from click.testing import CliRunner

    from app.cli.backtest import backtest

    short = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--synthetic", "AAA:20:1"])
    assert short.exit_code == 0, short.output
    text = " ".join(short.stdout.split())  # the caption wraps to the table's width
    assert "CAGR, volatility, Sharpe, Sortino and Calmar withheld: not enough data: 19 returns;" in text
    long = CliRunner().invoke(backtest, ["--strategy", "buy_and_hold", "--synthetic", "AAA:300:1"])
    assert long.exit_code == 0 and "withheld" not in long.stdout
