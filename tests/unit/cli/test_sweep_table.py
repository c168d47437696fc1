"""`weaver sweep`'s table names its figures as the run report does, whole even on a narrow terminal (trial 13
read "total_return…" and "max_drawdown…")."""

from __future__ import annotations

from click.testing import CliRunner

from app.cli import main


def test_the_columns_are_labelled_and_never_cut_short_at_80_columns():
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid",
                                       "slow=20,30", "--synthetic", "AAA:500:1", "--quiet"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    header = "".join(line for line in result.output.splitlines() if "┃" in line)
    for word in ("Sharpe", "Total", "return", "Max", "drawdown", "Trades", "Win", "rate"):
        assert word in header, header


def test_a_drawdown_ranks_the_shallowest_first(tmp_path):
    """Smaller is better for a drawdown: `--sort max_drawdown_pct` lists the shallowest first, as the UI's heatmap
    and a walk-forward's objective rank it (trial 26: the deepest came first under "best first")."""
    import json

    out = tmp_path / "cells.json"
    result = CliRunner().invoke(main, ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid",
                                       "slow=20,30", "--synthetic", "AAA:500:1", "--quiet", "--sort",
                                       "max_drawdown_pct", "--json", str(out)])
    assert result.exit_code == 0, result.output
    rows = [line.split("│") for line in result.output.splitlines() if line.startswith("│")]
    shown = [-float(row[3].strip().rstrip("%")) for row in rows]  # the table prints a drawdown as -10.10%
    assert len(shown) == 4 and shown == sorted(shown)
    drawdowns = sorted(cell["metrics"]["max_drawdown_pct"] for cell in json.loads(out.read_text())["cells"])
    assert shown[0] == round(drawdowns[0], 2)


def test_descending_lists_the_deepest_drawdown_first_and_refuses_to_be_given_with_ascending():
    """Trial 29: --ascending changed nothing for a drawdown (smallest first already), so the riskiest cells
    could not be listed first; --descending does it."""
    args = ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "slow=20,30", "--synthetic",
            "AAA:500:1", "--quiet", "--sort", "max_drawdown_pct"]
    result = CliRunner().invoke(main, [*args, "--descending"])
    assert result.exit_code == 0, result.output
    rows = [line.split("│") for line in result.output.splitlines() if line.startswith("│")]
    shown = [-float(row[3].strip().rstrip("%")) for row in rows]
    assert len(shown) == 4 and shown == sorted(shown, reverse=True)
    both = CliRunner().invoke(main, [*args, "--descending", "--ascending"])
    assert both.exit_code == 2
    assert "--ascending and --descending: give one (smallest first, or largest first)" in both.output


def test_a_cell_whose_strategy_raises_is_listed_failed_and_the_others_are_ranked(tmp_path):
    """Trial 34: one raising cell threw away every cell's result, and the error did not say which cell."""
    import json

    out = tmp_path / "cells.json"
    args = ["sweep", "--strategy", "tests.fixtures.strategies:RaiseAt", "--synthetic", "AAA:300:1", "--quiet"]
    result = CliRunner().invoke(main, [*args, "--grid", "at=50,6000,60", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 cell ranked by sharpe" in result.output
    assert [row.split("│")[1].strip() for row in result.output.splitlines() if row.startswith("│")] == ["6000"]
    assert "failed at=50: the strategy failed on the bar" in result.output  # (each on its own bar)
    assert "failed at=60: the strategy failed on the bar" in result.output
    assert "KeyError: 'missing'" in result.output
    document = json.loads(out.read_text())
    assert [cell["params"]["at"] for cell in document["failed"]] == [50, 60]
    assert all("KeyError: 'missing'" in cell["reason"] for cell in document["failed"])
    every = CliRunner().invoke(main, [*args, "--grid", "at=50,60"])  # none ran: the error, as one backtest's
    assert every.exit_code == 1 and "Error: the strategy failed on the bar" in every.output
