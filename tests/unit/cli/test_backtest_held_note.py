"""`weaver backtest` says when the run ended holding positions (trial 34: a 9 % return beside losing closed trades,
the gain an open position nothing mentioned), as the run page and backtesting.py do; not when it ended flat."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main

ARGS = ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=50", "--synthetic", "RW:600:3",
        "--quiet"]


def test_a_run_that_ends_holding_says_so_with_the_unrealized_gain():
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    assert ("note: ended holding 973 RW (unrealized +$5,653.13): the return and the equity count it at the last "
            "close; the trade figures (trades, win rate, profit factor, expectancy) count closed trades only") \
        in result.output


def test_a_run_closed_at_the_end_says_nothing_of_it():
    result = CliRunner().invoke(main, [*ARGS, "--close-at-end"])
    assert result.exit_code == 0, result.output
    assert "ended holding" not in result.output
