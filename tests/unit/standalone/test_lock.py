"""A second `weaver standalone` on a data directory in use is refused before it starts anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli.standalone import standalone
from app.standalone.lock import DataDirInUse, claim


def test_a_data_dir_is_claimed_once_and_free_again_when_released(tmp_path: Path) -> None:
    held = claim(tmp_path / "data")
    with pytest.raises(DataDirInUse, match=rf"already running on .*data \(pid {os.getpid()}\)"):
        claim(tmp_path / "data")
    held.close()
    claim(tmp_path / "data").close()


def test_the_second_standalone_says_why_and_starts_nothing(tmp_path: Path) -> None:
    held = claim(tmp_path)
    try:
        result = CliRunner().invoke(standalone, ["--data-dir", str(tmp_path), "--port", "0"])
    finally:
        held.close()
    assert result.exit_code == 1
    assert "another weaver standalone is already running on" in result.output
    assert not (tmp_path / "weaver.db").exists()  # nothing was created or started
