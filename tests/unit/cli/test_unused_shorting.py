"""--allow-short with a strategy whose allow_short parameter is false trades long only, as without it: said
in a note (trial 29 got the long-only result silently), once for a sweep whose every cell is long only."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main
from app.marvin.shorting import shorting_unused

NOTE = ("note: short selling is on for the run, but the strategy's allow_short parameter is false, so it will not "
        "sell short: set the parameter to true as well (--param allow_short=true) to trade both ways")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [*args, "--strategy", "sma_cross", "--synthetic", "A:200", "--quiet"])


def test_a_backtest_allowed_to_short_whose_strategy_will_not_is_told_so() -> None:
    alone = run("backtest", "--allow-short")
    assert alone.exit_code == 0, alone.output
    assert NOTE in alone.stderr
    both = run("backtest", "--allow-short", "--param", "allow_short=true")
    assert both.exit_code == 0 and NOTE not in both.stderr
    assert NOTE not in run("backtest").stderr


def test_a_sweep_says_it_once_and_only_when_no_cell_shorts() -> None:
    long_only = run("sweep", "--allow-short", "--grid", "fast=5,10")
    assert long_only.exit_code == 0, long_only.output
    assert long_only.stderr.count(NOTE) == 1
    mixed = run("sweep", "--allow-short", "--grid", "allow_short=true,false")
    assert mixed.exit_code == 0 and NOTE not in mixed.stderr


def test_the_rule() -> None:
    assert shorting_unused({"allow_short": False}, True) is not None
    assert shorting_unused({"allow_short": True}, True) is None
    assert shorting_unused({"allow_short": False}, False) is None
    assert shorting_unused({"fast": 5}, True) is None  # a strategy without the parameter decides for itself
