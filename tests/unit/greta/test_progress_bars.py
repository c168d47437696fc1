"""Progress bars of the long CLI commands: on a terminal they show a rate and an ETA on stderr; piped
(or with --quiet) they print nothing, so stdout carries only the results."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from rich.console import Console

from app.cli import main
from app.cli import progress as progress_module

BAR_TEXT = re.compile(r"ETA|(?:bars|runs|rows|B)/s")
BACKTEST = ["backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20",
            "--synthetic", "AAA:3000:1"]
SWEEP = ["sweep", "--strategy", "sma_cross", "--grid", "fast=5,10", "--grid", "slow=30,40", "--synthetic", "AAA:500:2"]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What a terminal on stderr would show: the bars' console, forced to be a terminal."""
    screen = io.StringIO()
    monkeypatch.setattr(progress_module, "stderr_console",
                        lambda: Console(file=screen, force_terminal=True, width=200, color_system=None))
    return screen


@pytest.mark.parametrize("args", [BACKTEST, SWEEP], ids=["backtest", "sweep"])
def test_commands_not_on_a_terminal_print_results_and_no_progress_bar(args):
    result = CliRunner().invoke(main, args)  # CliRunner's stdout and stderr are not terminals
    assert result.exit_code == 0, result.output
    assert "Sharpe" in result.stdout or "cells ranked by sharpe" in result.stdout
    assert not BAR_TEXT.search(result.stdout), result.stdout
    assert not BAR_TEXT.search(result.stderr), result.stderr


@pytest.mark.parametrize(("args", "unit"), [(BACKTEST, "bars"), (SWEEP, "runs")], ids=["backtest", "sweep"])
def test_on_a_terminal_the_bar_goes_to_stderr_with_a_rate_and_an_eta(terminal, args, unit):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    shown = terminal.getvalue()
    assert re.search(rf"\d[\d,]* {unit}/s", shown), shown
    assert re.search(r"ETA \d+:\d\d:\d\d", shown), shown
    assert not BAR_TEXT.search(result.stdout), result.stdout  # the table alone, even on a terminal


def test_quiet_draws_nothing_even_on_a_terminal(terminal):
    result = CliRunner().invoke(main, [*SWEEP, "--quiet"])
    assert result.exit_code == 0, result.output
    assert terminal.getvalue() == ""


def test_a_bar_with_stages_shows_each_stage_with_its_rate_and_eta(terminal):
    with progress_module.progress_bar("read X", 2_000_000, unit="bytes") as bar:
        bar.update(1_000_000)
        bar.update(2_000_000)
        bar.stage("store X", 10, unit="rows")
        bar.update(4, 10)
    shown = terminal.getvalue()
    assert re.search(r"read X .* 2\.0 MB/2\.0 MB .*B/s .* ETA 0:00:00", shown), shown
    assert re.search(r"store X .* 4/10 rows .* rows/s .* ETA \d+:\d\d:\d\d", shown), shown


def test_an_estimated_total_is_marked_as_one(terminal):
    with progress_module.progress_bar("fetch X", None, unit="bars", estimated=True) as bar:
        bar.update(50, 300)
    assert "50/~300 bars" in terminal.getvalue()
