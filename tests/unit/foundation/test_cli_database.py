"""A CLI command that falls back to the standalone database says which file it uses, and in a folder
with no Weaver database says how to get one instead of creating an empty file and failing on its
missing tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("WEAVER_DATABASE_URL", "WEAVER_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_no_database_is_an_error_that_names_the_way_out(bare: Path) -> None:
    result = CliRunner().invoke(main, ["runs", "list"])
    assert result.exit_code == 2
    assert f"no Weaver database at {bare / 'data' / 'weaver.db'}" in result.output
    assert "weaver standalone --data-dir DIR" in result.output
    assert not (bare / "data").exists()


def test_after_db_upgrade_the_commands_name_the_file_they_use(bare: Path) -> None:
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(main, ["runs", "list"])
    assert result.exit_code == 0, result.output
    assert f"using {bare / 'data' / 'weaver.db'}" in result.output


@pytest.mark.parametrize("columns", [80, 200])
def test_the_line_naming_the_file_fits_the_terminal(bare: Path, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(main, ["runs", "list"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    path = bare / "data" / "weaver.db"
    hint = "(set WEAVER_DATA_DIR or WEAVER_DATABASE_URL for another)"
    assert len(f"using {path} {hint}") > 80  # this test's path is long enough to need the wrap at 80
    assert lines == ([f"using {path}", f"  {hint}"] if columns == 80 else [f"using {path} {hint}"])
