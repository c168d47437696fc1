"""`weaver walkforward run|show|list|cancel|robustness`: the command-line twin of /api/v1/walkforwards.

    weaver walkforward run --strategy sma_cross --grid fast=5,10 --grid slow=20,50 --symbol AAPL \\
        --train 12M --test 3M --objective sharpe

`run` stores the walk-forward on the stored bars, as POST /walkforwards does; the backtest workers of a
running `weaver standalone` or `weaver worker` do its cells. With --wait (the default) it watches them
(app/cli/walkforward_wait.py) and prints the report, exiting 1 if it ended failed or cancelled (as `weaver
backtest` does on a failed run); Ctrl-C leaves it running. Every command that takes
an id takes a unique prefix of 6+ characters too (app/cli/walkforward_ids.py). Reports and --json read
the API's own read model (walkforward_out), so the terminal and the API cannot disagree.
"""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

import click
import orjson
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container
from app.cli.cash_option import checked_cash
from app.cli.common import fail
from app.cli.grid_option import parse_grid, parse_params
from app.cli.metric_text import DASH, number, pct
from app.cli.outputs import check_file_target, wrote_file
from app.cli.robustness import robustness_options, show_robustness
from app.cli.run_ids import SHORT, IdProblem, resolve_walkforward_id
from app.cli.runs import _container, _cut, _when
from app.cli.walkforward_input import fees_form, length, refuse, slippage_form, spec_of, typed, typed_grid
from app.greta.equity import DEFAULT_CASH
from app.marvin.instruments import ASSET_CLASSES
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.instruments import shared_asset_class
from app.services.walkforward_specs import Direction, Objective
from app.walle.models import Walkforward

INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C


@click.group()
def walkforward() -> None:
    """Walk-forward optimisation: per fold, the best grid cell on the train window, run on the test window."""


@walkforward.command()
@click.option("--strategy", "strategy_name", required=True, help="Built-in name (sma_cross) or package.module:Class.")
@click.option("--grid", "grid_items", multiple=True, required=True, metavar="NAME=V1,V2,...",
              help="Values of one parameter to try, listed or as START:STOP[:STEP] (inclusive); repeat for each "
                   "swept parameter.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter held fixed (repeatable).")
@click.option("--symbol", "symbols", multiple=True, required=True, help="Stored symbol (repeatable).")
@click.option("--timeframe", default="1Day", show_default=True)
@click.option("--start", help="Window start (default: the first stored bar).")
@click.option("--end", help="Window end (default: the last stored bar).")
@click.option("--train", required=True, help="Train window: bars (250) or a calendar period (12M).")
@click.option("--test", required=True, help="Test (out-of-sample) window: bars or a period (3M).")
@click.option("--step", help="How far each fold moves (default: the test length).")
@click.option("--gap", default="0", show_default=True, help="Bars or a period between train and test.")
@click.option("--anchored", is_flag=True, help="Every train window starts at the first bar (default: rolling).")
@click.option("--warmup", type=click.IntRange(0, 100_000), default=200, show_default=True,
              help="Bars before each test window that feed the out-of-sample run's indicators, without trading.")
@click.option("--objective", type=click.Choice(get_args(Objective)), default="sharpe", show_default=True)
@click.option("--direction", type=click.Choice(get_args(Direction)), default=None,
              help="Choose the highest (max) or lowest (min) objective. Default: its better end (min for "
                   "drawdowns, volatility, fees and exposure); the worse end of a drawdown, volatility, fees or "
                   "return is refused.")
@click.option("--min-trades", type=click.IntRange(0, 1_000_000), default=0, show_default=True,
              help="Cells with fewer trades are not chosen.")
@click.option("--no-contrast", is_flag=True, help="Skip the whole-window (in-sample) optimisation shown beside it.")
@click.option("--cash", default=str(DEFAULT_CASH), show_default=True)
@click.option("--fees", default="none", show_default=True, help="none | alpaca | per_share:<rate> | percent:<pct>")
@click.option("--slippage", default="none", show_default=True, help="none | <n>bp | range:<fraction>")
@click.option("--fractional", is_flag=True)
@click.option("--allow-short", is_flag=True)
@click.option("--asset-class", type=click.Choice(ASSET_CLASSES), default=None,
              help="The year and increments its runs take (default: the class the symbols' stored instruments "
                   "share, as the UI's form pre-fills it; else the data's own year).")
@click.option("--name")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Follow it to the end and print the report (exit 1 if it fails or is cancelled), or return "
                   "once it is queued.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the walk-forward as the API gives it (once finished with --wait).")
def run(strategy_name: str, grid_items: tuple[str, ...], params: tuple[str, ...], symbols: tuple[str, ...],
        timeframe: str, start: str | None, end: str | None, train: str, test: str, step: str | None, gap: str,
        anchored: bool, warmup: int, objective: str, direction: str | None, min_trades: int, no_contrast: bool,
        cash: str, fees: str, slippage: str, fractional: bool, allow_short: bool, asset_class: str | None,
        name: str | None, wait: bool, json_path: Path | None) -> None:
    """Launch a walk-forward on stored bars (the backtest workers run it)."""
    if json_path is not None:
        check_file_target(json_path, "--json")
    from app.services.runs import RunService
    from app.services.walkforwards import WalkforwardService

    checked_cash(cash)  # before the database: the option's own words, not a validator's
    container = _container()  # first: it makes the configured strategy paths known
    try:
        spec = spec_of({
            "strategy": strategy_name, "grid": typed_grid(strategy_name, parse_grid(grid_items)),
            "params": typed(strategy_name, parse_params(params)), "symbols": list(symbols),
            "timeframe": timeframe, "start": start, "end": end, "cash": cash, "fees": fees_form(fees),
            "slippage": slippage_form(slippage), "fractional": fractional, "allow_short": allow_short,
            "asset_class": asset_class or stored_asset_class(container, symbols), "name": name, "objective": objective,
            "direction": direction, "min_trades": min_trades, "contrast": not no_contrast,
            "folds": {"kind": "anchored" if anchored else "rolling", "train": length(train), "test": length(test),
                      "step": None if step is None else length(step), "gap": length(gap), "warmup": warmup},
        })
        try:
            wf_id = WalkforwardService(container.uow, RunService(container.uow)).create(spec).id
        except ValidationFailed as exc:
            refuse(exc.fields)
        report = _read(container, wf_id)
        cells = report.folds[0].cells_total if report.folds else 0
        click.echo(f"walk-forward {wf_id} queued\n{len(report.folds)} fold(s) of {cells} cell(s) each"
                   + (", and the whole window for contrast" * (not no_contrast))
                   + (f"; {len(report.skipped_folds)} fold(s) skipped" * bool(report.skipped_folds)))
        if wait:
            report = _wait(container, wf_id)
            from app.cli.walkforward_report import print_walkforward

            print_walkforward(_console(), report)
        else:
            from app.cli.walkforward_report import skipped_cell_lines

            for line in skipped_cell_lines(report):
                click.echo(line)
            click.echo(f"follow it with `weaver walkforward show {wf_id[:SHORT]}`; the backtest workers of "
                       "`weaver standalone` or `weaver worker` run it")
        if json_path is not None:
            json_path.write_bytes(_json(report))
            wrote_file(json_path)
        if wait and report.status != "completed":  # as `weaver backtest` exits 1 when its run fails
            fail(_why_not_completed(report))
    finally:
        container.close()


def _why_not_completed(report: Any) -> str:
    """What stderr says when a walk-forward waited for ended failed or cancelled (exit 1)."""
    if report.status == "failed":
        return f"walk-forward {report.id} failed" + (f": {report.error}" if report.error else "")
    return f"walk-forward {report.id} was {report.status} before it completed"


def _wait(container: Container, wf_id: str) -> Any:
    from app.cli.walkforward_wait import wait_until_finished
    from app.cli.worker_presence import idle_reason

    try:
        wait_until_finished(container, wf_id, lambda: idle_reason(container.settings.database_url))
    except KeyboardInterrupt:
        click.echo(f"\nstopped waiting; walk-forward {wf_id} keeps running. Follow it with `weaver walkforward "
                   f"show {wf_id[:SHORT]}`, cancel it with `weaver walkforward cancel {wf_id[:SHORT]}`.", err=True)
        sys.exit(INTERRUPTED)  # the caller's `finally` closes the container
    return _read(container, wf_id)


@walkforward.command()
@click.argument("walkforward_id")
@click.option("--json", "as_json", is_flag=True, help="Print it as GET /api/v1/walkforwards/{id} gives it.")
def show(walkforward_id: str, as_json: bool) -> None:
    """A walk-forward's folds, chosen parameters, stitched out-of-sample result and contrast."""
    container = _container()
    try:
        report = _read(container, _walkforward_id(container, walkforward_id))
    finally:
        container.close()
    if as_json:
        click.echo(_json(report).decode())
        return
    from app.cli.walkforward_report import print_walkforward

    print_walkforward(_console(), report)


@walkforward.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def list_(limit: int) -> None:
    """The newest walk-forwards, ids cut to 8 characters (every `weaver walkforward` command takes them)."""
    from app.services.walkforwards import listing

    container = _container()
    with container.read_session() as session:
        found, total = listing(session, limit)
    rows = [(wf.id[:SHORT], _cut(wf.name or wf.strategy, 16), wf.status, _when(wf.created_at), str(wf.folds),
             f"{wf.cells_done:,}/{wf.cells_total:,}", pct(wf.oos_return_pct), number(wf.efficiency)) for wf in found]
    container.close()
    zone = datetime.now().astimezone().tzname() or "local time"
    table = Table(title=f"{total} walk-forward(s), newest first; times in {zone}", box=None, padding=(0, 1),
                  pad_edge=False, collapse_padding=True, title_justify="left")
    for heading, justify in (("id", "left"), ("name", "left"), ("status", "left"), ("created", "left"),
                             ("folds", "right"), ("done", "right"), ("OOS return", "right"), ("efficiency", "right")):
        table.add_column(heading, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    console = _console()
    console.print(table)
    unexplained: dict[str, list[str]] = {}  # an efficiency of "–" says why below the table, once per reason
    for wf in found:
        if wf.efficiency_reason:
            unexplained.setdefault(wf.efficiency_reason, []).append(wf.id[:SHORT])
    for reason, ids in unexplained.items():
        console.print(f"efficiency {DASH} ({', '.join(ids)}): {reason}", highlight=False)


@walkforward.command()
@click.argument("walkforward_id")
def cancel(walkforward_id: str) -> None:
    """Cancel every unfinished cell and run of a walk-forward (a finished one is left as it is, exit 2)."""
    from app.services.runs import RunService
    from app.services.walkforwards import WalkforwardService

    container = _container()
    try:
        wf_id = _walkforward_id(container, walkforward_id)
        try:
            WalkforwardService(container.uow, RunService(container.uow)).cancel(wf_id)
        except (NotFound, Conflict) as exc:  # finished already (the API's 409): an error, as `weaver runs stop` says it
            fail(exc.message, 2)
    finally:
        container.close()
    click.echo(f"walk-forward {wf_id} cancelled")


@walkforward.command()
@click.argument("walkforward_id")
@robustness_options
def robustness(walkforward_id: str, resamples: int, seed: int, ruin: float, method: str, as_json: bool) -> None:
    """Monte Carlo and random-entry tests of a completed walk-forward's stitched out-of-sample trades."""
    from app.services.robustness import RobustnessAsk, walkforward_robustness

    container = _container()
    try:
        wf_id = _walkforward_id(container, walkforward_id)
        with container.read_session() as session:
            result = walkforward_robustness(session, wf_id, RobustnessAsk(resamples, seed, ruin, method))
    except (NotFound, Conflict, ValidationFailed) as exc:
        fail(exc.message, 2)
    finally:
        container.close()
    show_robustness(result, as_json, subject="walk-forward")


def _walkforward_id(container: Container, text: str) -> str:
    """The whole id of the walk-forward `text` names (the id or a unique prefix of 6+ characters), or exit 2."""
    try:
        with container.read_session() as session:
            return resolve_walkforward_id(session, text)
    except IdProblem as exc:
        problem = str(exc)
    container.close()  # after the session has given its connection back
    fail(problem, 2)
    raise AssertionError("unreachable")  # fail exits


def _read(container: Container, wf_id: str) -> Any:
    """The API's read model of the walk-forward (WalkforwardOut)."""
    from app.glados.routes.walkforwards import walkforward_out

    with container.read_session() as session:
        wf = session.get(Walkforward, wf_id)
        if wf is not None:
            return walkforward_out(session, wf)
    container.close()
    fail(f"no walk-forward with id {wf_id}", 2)
    raise AssertionError("unreachable")  # fail exits


def _json(report: Any) -> bytes:
    """As the API writes it (app/glados/api.py render): the model's JSON form through orjson."""
    return orjson.dumps(report.model_dump(mode="json"), option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
                        | orjson.OPT_INDENT_2)


def _console() -> Console:
    """The terminal's width (`COLUMNS` first, as shutil reads it: the report fits it); 120 columns when piped
    without `COLUMNS` (rich would cut the report's numbers at 80)."""
    return Console(emoji=False, width=shutil.get_terminal_size((120, 24)).columns)


def stored_asset_class(container: Container, symbols: tuple[str, ...]) -> str | None:
    """The class the symbols' stored instruments share (stored_frames.shared_asset_class), as the UI's
    form pre-fills it."""
    with container.read_session() as session:
        return shared_asset_class(session, symbols)
