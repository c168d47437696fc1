"""`weaver --help` prints SUMMARIES without importing the commands; each must say what the command's own help says."""

from __future__ import annotations

import click
from click.testing import CliRunner

from app.cli import COMMANDS, SUMMARIES, main


def test_every_command_has_its_own_one_line_help_in_the_summaries() -> None:
    context = click.Context(main)
    assert set(SUMMARIES) == set(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert command is not None
        assert SUMMARIES[name] == command.get_short_help_str(limit=10_000), name


def test_help_lists_the_commands_as_click_would_after_importing_each() -> None:
    shown = CliRunner().invoke(main, ["--help"])
    assert shown.exit_code == 0
    assert "  backtest     Backtest a strategy on historical or synthetic bars." in shown.output
    context = click.Context(main)
    ours, clicks = click.HelpFormatter(width=100), click.HelpFormatter(width=100)
    main.format_commands(context, ours)
    click.Group.format_commands(main, context, clicks)  # click's own: imports every command for its help
    assert ours.getvalue() == clicks.getvalue()
    assert "  exchange     Run the local Alpaca-compatible exchange (REST, market data and the..." in ours.getvalue()
