"""The standalone runs one backtest thread unless told otherwise: its parts share one process and its GIL,
so a second thread made a 1Sec paper run's ticks late without running backtests any faster
(benchmarks/standalone_ticks.py). Zero threads would run no backtest at all: refused."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from app.cli import main
from app.standalone.embedded import Embedded
from app.standalone.home import Home


def test_one_backtest_thread_by_default_and_none_refused(tmp_path: Path) -> None:
    assert Embedded(Home(tmp_path)).backtest_threads == 1
    shown = CliRunner().invoke(main, ["standalone", "--help"], terminal_width=200)
    assert "--backtest-threads INTEGER RANGE" in shown.output and "[default: 1; 1<=x<=16]" in shown.output
    refused = CliRunner().invoke(main, ["standalone", "--data-dir", str(tmp_path / "d"), "--backtest-threads", "0"])
    assert refused.exit_code == 2
    assert "Invalid value for '--backtest-threads': 0 is not in the range 1<=x<=16" in refused.output
    assert not (tmp_path / "d").exists()  # refused before anything was made
