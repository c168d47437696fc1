"""`weaver bars import` of unadjusted bars names the suspected split (date and ratio) on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main

HEADER = "timestamp,open,high,low,close,volume\n"
BEFORE = ["2020-08-26,494,500,490,495,100", "2020-08-27,495,502,494,500,100", "2020-08-28,500,505,498,500,100"]
AFTER = ["2020-08-31,125.10,127,124,126.50,400", "2020-09-01,126.50,128,125,127,400"]


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEAVER_DATABASE_URL", f"sqlite:///{tmp_path / 'weaver.db'}")


def run_import(tmp_path: Path, rows: list[str], symbol: str):  # type: ignore[no-untyped-def]
    path = tmp_path / f"{symbol}.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    return CliRunner().invoke(main, ["bars", "import", str(path), "--symbol", symbol, "--quiet"])


def test_a_4_to_1_unadjusted_file_is_stored_with_a_warning(database, tmp_path):
    done = run_import(tmp_path, BEFORE + AFTER, "AAPL")
    assert done.exit_code == 0, done.output
    assert "AAPL 1Day: 5 rows read, 5 stored" in done.stdout
    assert done.stderr.strip() == (
        "warning: AAPL: a 4:1 split? close 500.00 → open 125.10 on 2020-08-31; the bars look unadjusted "
        "(fetch with --adjustment split, or adjust the CSV)")


def test_a_30_percent_crash_imports_without_a_warning(database, tmp_path):
    crash = ["2020-08-31,350,352,340,345,400", "2020-09-01,345,350,340,348,400"]
    done = run_import(tmp_path, BEFORE + crash, "CRSH")
    assert done.exit_code == 0, done.output
    assert "warning" not in done.stderr
