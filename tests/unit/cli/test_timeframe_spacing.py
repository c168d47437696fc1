"""A --timeframe far shorter than the file's own spacing is run as asked, and said (trial 29: daily bars run
as 1Hour annualised a -8 % CAGR to -42 % without a word; `bars import` already warned)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from app.greta.data.spacing import spacing_warning


def daily_file(tmp_path: Path) -> Path:
    path = tmp_path / "GOOG.csv"
    days = [f"2024-01-{d:02d}" for d in range(2, 31)]
    path.write_text("timestamp,open,high,low,close,volume\n" + "".join(
        f"{day},{100 + i},{101 + i},{99 + i},{100.5 + i},1000\n" for i, day in enumerate(days)))
    return path


@pytest.mark.parametrize(("timeframe", "warned"), [("1Hour", True), ("1Day", False), (None, False)])
def test_a_timeframe_the_file_does_not_have_is_run_as_asked_with_a_warning(tmp_path: Path, timeframe: str | None,
                                                                           warned: bool) -> None:
    path = daily_file(tmp_path)
    given = ["--timeframe", timeframe] if timeframe else []
    done = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--param", "fast=2", "--param", "slow=3",
                                     "--data", str(path), "--quiet", *given])
    assert done.exit_code == 0, done.output
    warning = (f"warning: {path}: the file's bars are mostly 1Day apart but were read as 1Hour bars, as asked: "
               "check the timeframe (annualised figures count 1Hour bars)")
    assert (warning in done.stderr) is warned
    assert "over 29 bars" in done.stdout


def test_the_import_and_the_backtest_share_the_rule() -> None:
    assert spacing_warning(86_400.0, "1Min") == ("the file's bars are mostly 1Day apart but were stored as 1Min bars, "
                                                 "as asked: check the timeframe")
    assert spacing_warning(60.0 * 20, "1Min") is None  # 20 bars apart: sparse, not another timeframe
    assert spacing_warning(None, "1Min") is None


def test_what_the_command_printed_is_in_the_result_file_too(tmp_path: Path) -> None:
    """A script reads the JSON, not the terminal: the warnings and notes, and why figures are withheld."""
    import json

    out = tmp_path / "result.json"
    done = CliRunner().invoke(main, ["backtest", "--strategy", "sma_cross", "--param", "fast=2", "--param", "slow=3",
                                     "--data", str(daily_file(tmp_path)), "--timeframe", "1Hour", "--allow-short",
                                     "--json", str(out), "--quiet"])
    assert done.exit_code == 0, done.output
    document = json.loads(out.read_text())
    assert [line.split(":")[0] for line in document["notes"]] == ["note", "warning"]
    assert all(line in done.stderr for line in document["notes"])
    assert document["metrics_unavailable"]["sharpe"] == ("not enough data: 28 returns; annualised figures need at "
                                                         "least 30")
