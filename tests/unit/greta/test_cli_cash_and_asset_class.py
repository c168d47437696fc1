"""The CLI's starting cash is the API's (one constant), and the text output says what it was; `weaver sweep`
takes `--asset-class` as `weaver backtest` does, and its cells are the backtests with that class."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from app.cli import main
from app.greta.data import parse_synthetic
from app.greta.engine import BacktestConfig, run_backtest
from app.services.specs import DEFAULT_CASH, RunCreate

BARS = "AAA:300:4"


def test_backtest_starts_with_the_apis_default_cash_and_says_so(tmp_path) -> None:
    out = tmp_path / "result.json"
    table = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", BARS, "--json", str(out)])
    quiet = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", BARS, "--quiet",
                                      "--cash", "2500.5"])

    assert DEFAULT_CASH == Decimal(100_000) == RunCreate(strategy="sma_cross", symbols=["A"], timeframe="1Day").cash
    assert table.exit_code == 0, table.output
    assert "Starting cash" in table.output and "$100,000.00" in table.output
    assert Decimal(json.loads(out.read_text())["config"]["cash"]) == Decimal(100_000)
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.rstrip().endswith("starting cash $2,500.50")


def test_sweep_takes_the_asset_class_and_its_cells_are_those_backtests(tmp_path) -> None:
    out = tmp_path / "sweep.json"
    swept = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--synthetic", BARS,
                                      "--asset-class", "crypto", "--fractional", "--json", str(out), "--quiet"])
    bad = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5", "--synthetic", BARS,
                                    "--asset-class", "bonds"])

    assert swept.exit_code == 0, swept.output
    assert "starting cash $100,000.00 per cell, crypto instruments" in swept.output
    best = json.loads(out.read_text())["cells"][0]
    frames = [parse_synthetic(BARS)]
    as_crypto, as_other = (run_backtest(BacktestConfig("sma_cross", best["params"], cash=DEFAULT_CASH, fractional=True,
                                                       asset_class=kind), frames) for kind in ("crypto", "other"))
    assert best["metrics"] == json.loads(json.dumps(as_crypto.metrics))
    assert best["metrics"]["sharpe"] != as_other.metrics["sharpe"]  # crypto trades 365 days a year: another annualising
    assert bad.exit_code == 2 and "'bonds' is not one of" in bad.output


def test_more_cash_than_the_engine_keeps_exact_is_refused_before_the_run_as_the_api_refuses_it() -> None:
    """Trial 19: $1e12 was accepted and the run failed at its start ("the account grew past …")."""
    limit = "must be at most $90,071,992,547: Weaver keeps money exact to $0.0001 up to $900,719,925,474"
    for command in (["backtest"], ["sweep", "--grid", "fast=5,10"]):
        refused = CliRunner().invoke(main, [*command, "--strategy", "sma_cross", "--synthetic", BARS,
                                            "--cash", "1e12"])
        assert refused.exit_code == 2 and limit in refused.output, refused.output
    most = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", BARS, "--quiet",
                                     "--cash", "90071992547"])
    assert most.exit_code == 0 and most.output.rstrip().endswith("starting cash $90,071,992,547.00"), most.output
    assert RunCreate(strategy="sma_cross", symbols=["A"], cash=Decimal("90071992547")).cash == Decimal("90071992547")


def test_a_warm_up_as_long_as_the_window_is_refused_and_one_bar_is_one_bar() -> None:
    """Trial 20: `--warmup 500` on a 108-bar window ran on one bar without a word, and said '1 bars'."""
    whole = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", BARS, "--warmup", "300"])
    assert whole.exit_code == 2
    assert "--warmup 300 covers the whole window (300 bars): nothing would be traded" in whole.output
    last = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", BARS, "--warmup", "299",
                                     "--quiet"])
    assert last.exit_code == 0 and " over 1 bar, 0 trades" in last.output, last.output
