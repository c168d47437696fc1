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
