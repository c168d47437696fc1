"""The `weaver` command: one sub-command per capability.

Sub-commands live in their own modules and are imported lazily, so `weaver --help` stays fast and a
broken optional dependency of one command cannot break the others.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

# name -> "module:attribute" of a click command or group.
COMMANDS: dict[str, str] = {
    "db": "app.cli.db:db",
    "backtest": "app.cli.backtest:backtest",
    "sweep": "app.cli.sweep:sweep",
    "walkforward": "app.cli.walkforward:walkforward",
    "bars": "app.cli.bars:bars",
    "runs": "app.cli.runs:runs",
    "exchange": "app.cli.exchange:exchange",
    "standalone": "app.cli.standalone:standalone",
    "web": "app.cli.processes:web",
    "worker": "app.cli.processes:worker",
    "scheduler": "app.cli.processes:scheduler",
}

# name -> the command's one-line help as `weaver --help` shows it (a test holds each to its command's own).
SUMMARIES: dict[str, str] = {
    "backtest": "Backtest a strategy on historical or synthetic bars.",
    "bars": "Import, download and list stored bars.",
    "db": "Create, upgrade and check the database schema.",
    "exchange": "Run the local Alpaca-compatible exchange (REST, market data and the trade_updates stream).",
    "runs": "List runs, show one's metrics, export its records.",
    "scheduler": "APScheduler: bar-aligned ticks for every active paper and live run (enqueues live ticks only).",
    "standalone": "Start Weaver on a SQLite file with in-process workers, the scheduler, the local exchange "
                  "(offline paper trading) and the UI.",
    "sweep": "Backtest every combination of the --grid values and rank the results.",
    "walkforward": "Walk-forward optimisation: per fold, the best grid cell on the train window, run on the test "
                   "window.",
    "web": "GLaDOS under gunicorn's gevent workers: REST API, SSE, WebSocket and the built UI.",
    "worker": "Dramatiq worker processes on the given queues; one that dies is replaced (workers/supervisor.py).",
}


def _exit_past_arrow(code: object) -> None:
    """A command that failed after reading CSV through pyarrow ends the process with os._exit. An Arrow
    read-ahead thread that a read error abandoned can abort the interpreter's finalisation
    ("terminate called without an active exception", SIGABRT; seen under load in CI after `bars import`
    refused a file that is not UTF-8), turning a clean exit 1 into a crash. The message is out already;
    only the exit code is kept, after flushing the streams. Successful exits finalise normally."""
    if code in (0, None) or "pyarrow" not in sys.modules:
        return
    if not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class LazyGroup(click.Group):
    """A group whose sub-commands are imported only when used, and whose commands' database errors
    end in one line on stderr (which database, why) and exit 1 rather than a traceback."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        """The `weaver` process itself (CliRunner calls `main`, which this leaves alone)."""
        try:
            return self.main(*args, **kwargs)  # type: ignore[arg-type]
        except SystemExit as exc:
            _exit_past_arrow(exc.code)
            raise

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from app.cli.common import database_failure

            message = database_failure(exc)
            if message is None:
                raise
            click.echo(f"error: {message}", err=True)
            ctx.exit(1)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """`weaver --help` lists the commands from SUMMARIES: importing every command to read its help
        took two seconds (the exchange, the web app and alpaca-py) to print eleven lines."""
        names = self.list_commands(ctx)
        if names:
            limit = formatter.width - 6 - max(map(len, names))  # as click.Group lays it out
            rows = [(name, click.Command(name, help=SUMMARIES[name]).get_short_help_str(limit)) for name in names]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._importable(name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                return None  # that capability has not been built yet
            raise
        return getattr(module, attribute)

    @staticmethod
    def _importable(name: str) -> bool:
        module_name = COMMANDS[name].split(":")[0]
        try:
            return importlib.util.find_spec(module_name) is not None
        except ModuleNotFoundError:
            return False


@click.group(cls=LazyGroup)
@click.version_option(package_name="weaver")
def main() -> None:
    """Weaver: backtest and trade the same strategy code."""
