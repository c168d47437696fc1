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


def test_a_walkforward_refuses_bad_cash_in_the_same_words_before_reaching_the_database():
    """Trial 37: `weaver walkforward run --cash -5` answered with the API validator's text
    ("Input should be greater than 0"); it names the option now, as `backtest` and `sweep` do."""
    base = ["walkforward", "run", "--strategy", "sma_cross", "--symbol", "AAA", "--grid", "fast=5,10",
            "--train", "100", "--test", "20", "--cash"]
    for cash, why in (("-5", "--cash must be positive, got '-5'"), ("abc", "--cash must be a number, got 'abc'"),
                      ("12.345", "--cash is in dollars and cents, got '12.345'")):
        result = CliRunner(env={"WEAVER_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}).invoke(
            main, [*base, cash])
        assert result.exit_code == 2 and why in result.output, result.output
