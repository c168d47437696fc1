"""`weaver sweep`: every valid cell of the grid is backtested, ranked by the chosen metric; invalid cells
are skipped with the reason; the JSON holds each cell's metrics, identical to a single backtest's."""

from __future__ import annotations

import json

from click.testing import CliRunner

from app.cli import main
from app.greta.data import parse_synthetic
from app.greta.engine import BacktestConfig, run_backtest
from app.services.specs import DEFAULT_CASH


def test_sweep_ranks_every_valid_cell_and_skips_the_invalid_ones(tmp_path):
    out = tmp_path / "sweep.json"
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10,30",
                                       "--grid", "slow=20,40", "--synthetic", "AAA:400:2", "--sort", "sharpe",
                                       "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "sma_cross: 5 cells ranked by sharpe" in result.output
    assert "skipped fast=30, slow=20: fast: must be less than slow" in result.output
    document = json.loads(out.read_text())
    cells = document["cells"]
    assert {(c["params"]["fast"], c["params"]["slow"]) for c in cells} == {(5, 20), (10, 20), (5, 40), (10, 40),
                                                                           (30, 40)}
    sharpes = [c["metrics"]["sharpe"] for c in cells if c["metrics"]["sharpe"] is not None]
    assert sharpes == sorted(sharpes, reverse=True)
    best = cells[0]
    alone = run_backtest(BacktestConfig("sma_cross", best["params"], cash=DEFAULT_CASH),
                         [parse_synthetic("AAA:400:2")])
    assert best["metrics"] == json.loads(json.dumps(alone.metrics))


def test_sweep_refuses_a_bad_grid_or_an_unknown_metric():
    bad = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast", "--synthetic", "A:50"])
    assert bad.exit_code == 2 and "--grid takes NAME=V1,V2" in bad.output
    none_valid = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=50",
                                           "--grid", "slow=20", "--synthetic", "A:80"])
    assert none_valid.exit_code == 2 and "no valid cell in the grid" in none_valid.output
    metric = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5", "--synthetic", "A:80",
                                       "--sort", "luck"])
    assert metric.exit_code == 2 and "no metric 'luck'" in metric.output


def test_a_grid_range_sweeps_every_value_from_start_to_stop(tmp_path):
    out = tmp_path / "sweep.json"
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=4:12:4",
                                       "--grid", "slow=20", "--synthetic", "AAA:200:2", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(c["params"]["fast"] for c in json.loads(out.read_text())["cells"]) == [4, 8, 12]


def test_a_parameter_the_strategy_lacks_is_refused_once_by_name_with_the_ones_it_has():
    for args in (["--grid", "bogus=1,2", "--grid", "fast=5"], ["--grid", "fast=5,8", "--param", "nope=3"]):
        refused = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", *args, "--synthetic", "A:200"])
        name = "bogus" if "bogus=1,2" in args else "nope"
        assert refused.exit_code == 2, refused.output
        assert f"sma_cross has no parameter '{name}'; its parameters are fast, slow, percent, allow_short" in (
            refused.output)
        assert refused.output.count("no parameter") == 1 and "unknown parameter" not in refused.output


def test_a_parameter_both_swept_and_fixed_is_refused():
    refused = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,8", "--param", "fast=7",
                                        "--synthetic", "A:200"])
    assert refused.exit_code == 2, refused.output
    assert "--grid and --param: fast is in the grid too: a parameter is either swept or fixed" in refused.output


def test_a_grid_value_listed_twice_exits_2_naming_the_parameter_and_value():
    refused = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,05,10", "--grid",
                                        "slow=30", "--synthetic", "A:200"])
    assert refused.exit_code == 2, refused.output
    assert ("grid: fast lists 5 more than once: a repeated value only makes cells identical to others; list "
            "each value once") in " ".join(refused.output.split())
    assert "sweep sma_cross" not in refused.output  # refused before any cell ran


def test_a_grid_name_given_twice_exits_2_naming_it_rather_than_dropping_one():
    """`--grid fast=5,10 --grid fast=5` once ran fast=5 alone (2 cells of the 4 meant), saying nothing."""
    refused = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "fast=5",
                                        "--grid", "slow=20,40", "--synthetic", "A:200"])
    assert refused.exit_code == 2, refused.output
    assert ("--grid fast is given twice: list all its values in one --grid fast=5,10"
            in " ".join(refused.output.split()))
    assert "cells ranked" not in refused.output


def test_a_param_given_twice_exits_2_naming_it_rather_than_the_last_winning():
    args = ["--strategy", "sma_cross", "--param", "fast=5", "--param", "fast=8", "--synthetic", "A:200"]
    for command in (["sweep", "--grid", "slow=20,40"], ["backtest", "--param", "slow=20"]):
        refused = CliRunner().invoke(main, [*command, *args])
        assert refused.exit_code == 2, (command, refused.output)
        assert "--param fast is given twice (fast=5, fast=8): give it once" in " ".join(refused.output.split())
        assert "ranked" not in refused.output and "total return" not in refused.output.lower()


def test_a_ranking_metric_the_window_is_too_short_for_says_why_its_column_is_dashes():
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=3,4", "--grid", "slow=10",
                                       "--synthetic", "AAA:25", "--sort", "sharpe"])
    assert result.exit_code == 0, result.output
    # trial 23: the title said "ranked by sharpe" over a table in grid order
    assert "sma_cross: 2 cells in grid order, not ranked: sharpe has no value in any cell" in " ".join(
        result.output.split())
    assert result.output.count("sharpe is withheld (–): not enough data: 24 returns; annualised figures need at "
                               "least 30") == 1  # once, not once per cell
    ranked = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=3,4", "--grid", "slow=10",
                                       "--synthetic", "AAA:25", "--sort", "total_return_pct"])
    assert ranked.exit_code == 0 and "withheld" not in ranked.output  # a figure every cell has


def test_runs_drift_refuses_a_param_given_twice_before_reading_anything():
    result = CliRunner().invoke(main, ["runs", "drift", "0123456789ab", "--param", "fast=3", "--param", "fast=4"])
    assert result.exit_code == 2 and "--param fast is given twice (fast=3, fast=4)" in result.output


def test_a_ranking_metric_the_same_in_every_cell_says_the_table_is_in_grid_order():
    for metric in ("benchmark_return_pct", "start_equity", "bars"):  # trial 31 sorted by each, "ranked"
        result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=3,5", "--grid",
                                           "slow=10", "--synthetic", "AAA:300", "--sort", metric])
        assert result.exit_code == 0, result.output
        assert f"sma_cross: 2 cells in grid order, not ranked: {metric} is the same in every cell" in " ".join(
            result.output.split())
