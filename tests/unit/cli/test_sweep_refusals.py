"""`weaver sweep` refuses, before any backtest, what the API refuses with a 422: a grid or fixed value the
parameter can never take ("5x" for an integer), and a fixed parameter the strategy lacks."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main


def sweep(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", *args, "--synthetic", "A:200"])


def test_a_value_of_the_wrong_type_is_refused_naming_the_parameter_and_the_value():
    refused = sweep("--grid", "fast=5x,10", "--grid", "slow=30")
    assert refused.exit_code == 2, refused.output
    assert 'Error: --grid fast: "5x" must be an integer' in refused.output
    assert "ranked by" not in refused.output  # nothing ran
    both = sweep("--grid", "fast=1,10", "--param", "percent=lots")
    assert both.exit_code == 2
    assert '--grid fast: 1 must be >= 2; --param percent: "lots" must be a number' in both.output


def test_an_unknown_fixed_parameter_is_refused_by_name():
    refused = sweep("--grid", "fast=5,10", "--grid", "slow=30", "--param", "slwo=40")
    assert refused.exit_code == 2, refused.output
    assert "sma_cross has no parameter 'slwo'; its parameters are fast, slow, percent, allow_short" in refused.output


def test_a_rule_between_parameters_still_only_skips_the_cells_that_break_it():
    ran = sweep("--grid", "fast=10,40", "--grid", "slow=30")
    assert ran.exit_code == 0, ran.output
    assert "sma_cross: 1 cell ranked by sharpe" in ran.output
    assert "skipped fast=40, slow=30: fast: must be less than slow" in ran.output


def test_cells_a_rule_skips_are_listed_once_under_their_reason():
    ran = sweep("--grid", "fast=10,30,40", "--grid", "slow=20,25")
    assert ran.exit_code == 0, ran.output
    assert ran.output.count("must be less than slow") == 1
    assert ("skipped 4 cells (fast=30, slow=20; fast=30, slow=25; fast=40, slow=20; fast=40, slow=25): "
            "fast: must be less than slow") in ran.output


def test_cells_that_would_sell_short_without_allow_short_are_skipped_and_a_backtest_refused():
    ran = sweep("--grid", "fast=5,10", "--grid", "slow=30", "--grid", "allow_short=false,true")
    assert ran.exit_code == 0, ran.output
    assert "sma_cross: 2 cells ranked by sharpe" in ran.output
    assert ("skipped 2 cells (fast=5, slow=30, allow_short=true; fast=10, slow=30, allow_short=true): allow_short=true "
            "asks the strategy to sell short, but short selling is off for the run") in " ".join(ran.output.split())
    allowed = sweep("--grid", "fast=5,10", "--grid", "slow=30", "--grid", "allow_short=false,true", "--allow-short")
    assert allowed.exit_code == 0 and "sma_cross: 4 cells ranked by sharpe" in allowed.output
    assert "true" in allowed.output and "True" not in allowed.output  # as --grid spells it, not as Python does

    refused = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--param", "allow_short=true",
                                        "--synthetic", "A:200", "--quiet"])
    assert refused.exit_code == 2, refused.output
    assert "--allow-short on the command line) or set the parameter to false" in " ".join(refused.output.split())


def test_a_grid_with_no_valid_cell_names_its_cells_and_says_the_reason_once():
    """Trial 34: "fast: must be less than slow" four times over, and no cell named."""
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=30,40", "--grid",
                                       "slow=20,25", "--synthetic", "AAA:100:1"])
    assert result.exit_code == 2
    assert ("no valid cell in the grid: skipped 4 cells (fast=30, slow=20; fast=30, slow=25; fast=40, slow=20; "
            "fast=40, slow=25): fast: must be less than slow") in " ".join(result.output.split())


def test_selling_a_crypto_pair_short_is_refused_by_backtest_and_sweep_as_by_the_api():
    """Alpaca does not sell crypto short (trial 41: the backtest ended short 1.75 BTC, the paper run could not)."""
    for command in (["backtest", "--strategy", "sma_cross", "--param", "allow_short=true"],
                    ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--param", "allow_short=true"]):
        refused = CliRunner().invoke(main, [*command, "--allow-short", "--synthetic", "BTC/USD:200"])
        assert refused.exit_code == 2, refused.output
        assert "Error: Alpaca does not sell crypto short (BTC/USD): the backtest's short sales could not be" in \
            " ".join(refused.output.split())
        elsewhere = CliRunner().invoke(main, [*command, "--allow-short", "--asset-class", "other",
                                              "--synthetic", "BTC/USD:200"])
        assert elsewhere.exit_code == 0, elsewhere.output
