"""`weaver backtest --strategy module:Class` finds a strategy in the configured strategy paths, and in the folders
`weaver standalone --strategy-path` was given on the data directory (trial 28: "no module named 'exits3'" unless
the folder was on PYTHONPATH, and `weaver runs drift` of such a run read "unknown strategy")."""

from __future__ import annotations

import sys
import textwrap

from click.testing import CliRunner

from app.cli import main
from app.marvin import registry
from app.standalone.home import Home

SOURCE = textwrap.dedent("""
    from app.marvin.strategy import Strategy


    class Mine(Strategy):
        name = "mine"

        def next(self) -> None:
            if self.index == 1:
                self.buy(size=1)
""")


def _backtest(env: dict[str, str]) -> str:
    result = CliRunner().invoke(main, ["backtest", "--strategy", "weaver_cli_mine:Mine", "--synthetic", "AAA:50:1",
                                       "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_configured_and_the_standalones_strategy_paths_are_searched(tmp_path, monkeypatch):
    folder = tmp_path / "strategies"
    folder.mkdir()
    (folder / "weaver_cli_mine.py").write_text(SOURCE)
    before = registry.configured_sources()
    try:
        assert "weaver_cli_mine:Mine: total return" in _backtest({"WEAVER_STRATEGY_PATHS": str(folder)})
        registry.configure_sources(before)
        sys.modules.pop("weaver_cli_mine", None)
        home = Home(tmp_path / "data")
        home.prepare()
        home.remember_strategy_paths((str(folder),))
        monkeypatch.delenv("WEAVER_STRATEGY_PATHS", raising=False)
        remembered = {"WEAVER_DATA_DIR": str(home.root), "WEAVER_STRATEGY_PATHS": ""}
        assert "weaver_cli_mine:Mine: total return" in _backtest(remembered)
    finally:
        registry.configure_sources(before)
        sys.modules.pop("weaver_cli_mine", None)
