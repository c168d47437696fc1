"""Output paths a user can get wrong: one line and exit 2 (trial 29 met a traceback and a file named "-")."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from app.cli import main


def test_an_export_into_a_missing_folder_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    target = tmp_path / "nodir" / "trades.csv"
    done = CliRunner().invoke(main, ["runs", "export", "abcdef", "--out", str(target)])
    assert done.exit_code == 2
    assert f"Error: --out {target}: no folder {target.parent}" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert not target.parent.exists()


def test_a_backtest_result_to_dash_is_refused_rather_than_written_to_a_file_named_dash(tmp_path: Path) -> None:
    done = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--synthetic", "AAA:50", "--json", "-"])
    assert done.exit_code == 2
    assert "Error: --json -: give a file name (the result is written to a file, not to standard output)" in done.output
    assert not Path("-").exists()
