"""`--cash` is dollars and cents, as the API's `cash` (trial 34: 100000.005 silently became 100000.00)."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main


def test_cash_with_a_fraction_of_a_cent_is_refused_saying_why():
    result = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", "AAA:100:1",
                                       "--cash", "100000.005"])
    assert result.exit_code == 2 and "--cash is in dollars and cents, got '100000.005'" in result.output
    kept = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", "AAA:100:1",
                                     "--cash", "100000.50", "--quiet"])
    assert kept.exit_code == 0 and "starting cash $100,000.50" in kept.output
