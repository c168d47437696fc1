"""`weaver runs list|show|export|drift|stop`: results out, in the terminal or as files; stopping a run.

Every command that takes a run id takes any unique prefix of it too (app/cli/run_ids.py)."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.bootstrap import Container, bootstrap
from app.cli.common import fail, settings_or_exit
from app.cli.grid_option import parse_params
from app.cli.metric_text import number
from app.cli.outputs import check_file_target
from app.cli.run_ids import SHORT, RunIdProblem, resolve_run_id
from app.cli.run_report import print_run
from app.decimal_text import decimal_text
from app.events.reader import read_events
from app.services import exports
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.lifecycle import InvalidTransition
from app.services.runs import RunService
from app.services.specs import RunStop
from app.walle.models import Run, Sweep
from app.walle.repositories import RunFilter, RunRecords, RunRepository
from app.walle.repositories.runs import Cells

if TYPE_CHECKING:  # the engine's service and the drift report (alpaca-py, pandas) load when a command needs them:
    from app.services.backtests import BacktestService  # importing them made every `weaver runs` 1.4 s slower


@click.group()
def runs() -> None:
    """List runs, show one's metrics, export its records."""


def _container():  # type: ignore[no-untyped-def]
    return bootstrap(settings_or_exit(require_token=False, embedded_fallback=True, needs_broker=False), listen=False)


def _backtests(container: Container) -> BacktestService:
    """What rebuilds a sweep cell's orders, fills, trades and equity curve before they are read (a
    cell stores only its summary when it runs: app/services/results.py)."""
    from app.services.backtests import BacktestService

    return BacktestService(container.uow, container.read_session)


def _complete_records(container: Container, run_id: str) -> None:
    from app.services.backtests import USER_ERRORS

    try:
        _backtests(container).complete_records(run_id)
    except USER_ERRORS as exc:  # the cell's bars or strategy are gone: its records cannot be rebuilt
        raise ValidationFailed({"run_id": str(exc)}, f"cannot rebuild the records of run {run_id}: {exc}") from None


def _run_id(container: Container, text: str) -> str:
    """The whole id of the run `text` names (the id or a unique prefix of 6+ characters), or exit 2 saying why."""
    with container.read_session() as session:
        try:
            return resolve_run_id(session, text)
        except RunIdProblem as exc:
            container.close()
            fail(str(exc), 2)
    raise AssertionError("unreachable")  # fail exits


@runs.command("list")
@click.option("--mode", type=click.Choice(["backtest", "paper", "live"]))
@click.option("--status")
@click.option("--limit", default=20, show_default=True)
@click.option("--cells", type=click.Choice(get_args(Cells)), default="hide", show_default=True,
              help="Sweep cells: hide them (the dashboard's top level), show them among the other runs, or list "
                   "only them (as GET /api/v1/runs?cells=…).")
def list_(mode: str | None, status: str | None, limit: int, cells: Cells) -> None:
    """The newest runs, in 80 columns: ids cut to their first 8 characters (every `weaver runs` command
    takes them), long names and symbol lists cut, times in this machine's time zone. Sweep cells are
    hidden unless --cells says otherwise, and so are walk-forwards' out-of-sample and contrast runs unless
    --cells is show; a last line counts the ones hidden."""
    container = _container()
    with container.read_session() as session:
        found, total = RunRepository(session).list(RunFilter(mode=mode, status=status, cells=cells), limit=limit)
        metrics = RunRepository(session).metrics([r.id for r in found])
        rows = [run_row(run, metrics.get(run.id, {})) for run in found]
        hidden = hidden_cells(session, mode, status) if cells == "hide" else None
    container.close()
    console = Console(emoji=False)
    console.print(runs_table(rows, total, "sweep cells" if cells == "only" else "runs"))
    if total > len(rows):  # trial 33: "25 run(s)" over 20 rows, and no word of the other 5
        console.print(f"the newest {len(rows)} shown; {total - len(rows)} more: --limit {total}", highlight=False)
    if hidden:
        console.print(hidden, highlight=False)


def hidden_cells(session: Session, mode: str | None, status: str | None) -> str | None:
    """Last lines counting what `--cells hide` left out (of the runs the other filters keep), or None:
    the cells of the user's own sweeps, and each walk-forward's sweeps, cells and out-of-sample and
    contrast runs apart (trial 16 read "18 sweeps" after making one sweep and one walk-forward). The
    cells are counted per sweep on `sweep_id`'s index, then the few sweeps read; the walk-forward runs
    by migration 0017's partial index."""
    filters = [column == value for column, value in ((Run.mode, mode), (Run.status, status)) if value is not None]
    per_sweep = (select(Run.sweep_id, func.count().label("cells")).where(Run.sweep_id.is_not(None), *filters)
                 .group_by(Run.sweep_id).subquery())
    sweeps = session.execute(select(Sweep.walkforward_id, per_sweep.c.cells)
                             .join(Sweep, Sweep.id == per_sweep.c.sweep_id)).all()
    owned = session.execute(select(Run.walkforward_id, func.count()).where(
        Run.walkforward_id.is_not(None), Run.sweep_id.is_(None), *filters).group_by(Run.walkforward_id)).all()
    plain = [cells for walkforward, cells in sweeps if walkforward is None]
    folds = [cells for walkforward, cells in sweeps if walkforward is not None]
    walkforwards = {walkforward for walkforward, _ in sweeps if walkforward is not None} | {w for w, _ in owned}
    runs = sum(count for _, count in owned)
    lines = []
    if plain:
        lines.append(f"+ {_count(len(plain), 'sweep')} with {_count(sum(plain), 'cell')} hidden")
    if walkforwards:
        parts = [_count(len(folds), "sweep"), _count(sum(folds), "cell")] if folds else []
        parts += [_count(runs, "run")] if runs else []
        listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        lines.append(f"+ {_count(len(walkforwards), 'walk-forward')} with {listed} hidden")
    if not lines:
        return None
    if not walkforwards:  # one line, as before walk-forwards' runs were folded
        return f"{lines[0]}: --cells show lists them too, --cells only alone"
    return ",\n".join(lines) + ":\n  --cells show lists them too, --cells only the sweep cells alone"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'s' * (n != 1)}"


def run_row(run: Run, metrics: dict[str, float | None]) -> tuple[str, ...]:
    return (run.id[:SHORT], _cut(run.name or run.strategy, NAME_WIDTH), run.mode,
            _cut(",".join(run.symbols), SYMBOLS_WIDTH), run.status, _when(run.created_at),
            number(metrics.get("total_return_pct")), number(metrics.get("sharpe")))


def runs_table(rows: list[tuple[str, ...]], total: int, what: str = "runs") -> Table:
    """No borders and one space between columns: eight columns fit 80 characters."""
    zone = datetime.now().astimezone().tzname() or "local time"
    table = Table(title=f"{total} {what[:-1]}(s), newest first; times in {zone}", box=None, padding=(0, 1),
                  pad_edge=False, collapse_padding=True, title_justify="left")
    for heading, justify in (("id", "left"), ("name", "left"), ("mode", "left"), ("symbols", "left"),
                             ("status", "left"), ("created", "left"), ("return %", "right"), ("sharpe", "right")):
        table.add_column(heading, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    return table


NAME_WIDTH, SYMBOLS_WIDTH = 14, 9  # with the rest, 80 characters


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _when(moment: datetime | None) -> str:
    """This machine's time zone: `12-04 16:30` this year, `2025-12-04` before."""
    if moment is None:
        return "–"
    local = moment.astimezone()
    return f"{local:%m-%d %H:%M}" if local.year == datetime.now().astimezone().year else f"{local:%Y-%m-%d}"


@runs.command()
@click.argument("run_id")
def show(run_id: str) -> None:
    """A run's settings and its metrics table."""
    container = _container()
    run_id = _run_id(container, run_id)
    with container.read_session() as session:
        run = RunRepository(session).get(run_id)
        if run is None:
            container.close()
            fail(f"no run with id {run_id}", 2)
        metrics = RunRecords(session).metrics(run_id)
        stopped = run.mode != "backtest" and run.status in ("stopped", "error")
        gaps = [e.payload for e in read_events(session, run_id=run_id, types=["run.bars_missed"], limit=1000,
                                               newest_first=True)] if run.mode != "backtest" else []
    print_run(Console(emoji=False), run, metrics, ", ".join(_held(container, run_id)) if stopped else "", gaps)
    container.close()


@runs.command()
@click.argument("run_id")
@click.option("--what", "kind", type=click.Choice(list(exports.KINDS)), default="trades", show_default=True)
@click.option("--format", "fmt", type=click.Choice(list(exports.FORMATS)), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
def export(run_id: str, kind: str, fmt: str, out: Path | None) -> None:
    """Write a run's trades, orders, fills or equity curve as CSV or JSON."""
    if out is not None and str(out) == "-":
        out = None  # "-" is standard output, the default
    if out is not None:
        check_file_target(out, "--out")  # a missing folder: one line and exit 2, before the database is opened
    container = _container()
    run_id = _run_id(container, run_id)
    try:
        _complete_records(container, run_id)
        with container.read_session() as session:
            target = out.open("w") if out else sys.stdout
            try:
                for chunk in exports.render(session, run_id, kind, fmt):
                    target.write(chunk)
            finally:
                if out:
                    target.close()
    except (NotFound, ValidationFailed) as exc:
        fail(exc.message, 2)
    finally:
        container.close()
    if out:
        click.echo(f"wrote {out}", err=True)


@runs.command()
@click.argument("run_id")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Replay with this parameter (repeatable).")
@click.option("--against", metavar="RUN_ID", help="Compare with this completed backtest run instead of a replay.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def drift(run_id: str, params: tuple[str, ...], against: str | None, as_json: bool) -> None:
    """Where a paper or live run differed from the backtest of the same bars."""
    from app.cli.drift_table import print_drift
    from app.services.drift import open_drift_report, report_json

    texts = {name: value.strip() for name, value in parse_params(params).items()}  # a name given twice: exit 2
    container = _container()
    run_id = _run_id(container, run_id)
    against = _run_id(container, against) if against is not None else None
    try:
        report = open_drift_report(_backtests(container), run_id, param_texts=texts, against=against)
    except (NotFound, ValidationFailed) as exc:
        fail(exc.message, 2)
    finally:
        container.close()
    if as_json:
        click.echo(json.dumps(report_json(report), default=_json_value, indent=2))
        return
    print_drift(report)


@runs.command()
@click.argument("run_id")
@click.option("--keep-orders", is_flag=True,
              help="Paper/live: leave the run's open orders working at the broker (by default they are cancelled).")
@click.option("--close-positions", is_flag=True,
              help="Paper/live: then close what the run holds with one market order per symbol, booked as the "
                   "run's own orders (by default its positions stay open at the broker).")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=10.0, show_default=True,
              help="Seconds to wait for the live worker to stop a paper/live run and say what it cancelled "
                   "(0: do not wait).")
def stop(run_id: str, keep_orders: bool, close_positions: bool, wait_seconds: float) -> None:
    """Stop a paper or live run (cancelling its open orders) or cancel a backtest, as POST /runs/{id}/stop."""
    if keep_orders and close_positions:
        fail("--close-positions cancels the run's open orders first: it cannot be given with --keep-orders", 2)
    container = _container()
    try:
        run_id = _run_id(container, run_id)
        with container.read_session() as session:
            before = _last_event_seq(session, run_id)  # this stop's events come after it
        try:
            run = RunService(container.uow).stop(run_id, RunStop(cancel_orders=not keep_orders,
                                                                 close_positions=close_positions))
        except (NotFound, Conflict, InvalidTransition, ValidationFailed) as exc:
            fail(getattr(exc, "message", str(exc)), 2)
        if run.mode == "backtest":
            click.echo(f"run {run_id} cancelled")
            return
        click.echo(f"run {run_id} is stopping; the live worker " + (
            "leaves its open orders working at the broker" if keep_orders else "cancels its open orders")
            + (", then closes its positions at market" if close_positions else ""))
        told = _wait_for_stop(container, run_id, before, wait_seconds)
        held = _held(container, run_id) if told is not None else []
    finally:
        container.close()
    if told is None:
        if wait_seconds > 0:
            click.echo(f"still stopping after {wait_seconds:g} s: is the live worker running? "
                       f"(`weaver runs show {run_id[:SHORT]}` tells when it has stopped)", err=True)
        return
    cancelled, left_open = told.get("cancelled", []), told.get("left_open", [])
    click.echo(f"stopped; cancelled {len(cancelled)} open order(s)" + (f": {', '.join(cancelled)}" * bool(cancelled)))
    if left_open:
        click.echo(f"left working at the broker: {len(left_open)} order(s): {', '.join(left_open)}")
    if "closed" in told:
        click.echo(f"closed its positions: {told['closed']}")
    if held:  # trial 14: an order that filled while the run stopped left 52 shares held, and nothing said so
        click.echo(f"still held at the broker: {', '.join(held)} (" + (
            "a close still working is booked when it fills)" if close_positions else
            "a stop cancels orders, not positions, unless given --close-positions; close them with "
            f"`weaver runs close-positions {run_id[:SHORT]}`)"))


@runs.command("close-positions")
@click.argument("run_id")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=15.0, show_default=True,
              help="Seconds to wait for the live worker to say what became of the closes (0: do not wait).")
def close_positions(run_id: str, wait_seconds: float) -> None:
    """Close a stopped paper or live run's positions at market, booked as the run's own orders, as
    POST /runs/{id}/close-positions."""
    container = _container()
    try:
        run_id = _run_id(container, run_id)
        with container.read_session() as session:
            before = _last_event_seq(session, run_id)
        try:
            RunService(container.uow).close_positions(run_id)
        except (NotFound, Conflict) as exc:
            fail(getattr(exc, "message", str(exc)), 2)
        click.echo(f"run {run_id}: the live worker closes {', '.join(_held(container, run_id))} at market")
        told = _wait_for_closes(container, run_id, before, wait_seconds)
        held = _held(container, run_id) if told is not None else []
    finally:
        container.close()
    if told is None:
        if wait_seconds > 0:
            click.echo(f"no answer after {wait_seconds:g} s: is the live worker running? (`weaver runs show "
                       f"{run_id[:SHORT]}` lists the run's orders)", err=True)
        return
    click.echo(f"closed: {told}")
    if held:
        click.echo(f"still held at the broker: {', '.join(held)} (a close still working is booked when it fills)")


def _last_event_seq(session: Any, run_id: str) -> int:
    newest = read_events(session, 0, run_id=run_id, limit=1, newest_first=True)
    return (newest[0].seq or 0) if newest else 0


def _wait_for_closes(container: Container, run_id: str, after: int, seconds: float) -> str | None:
    """The detail of the `run.positions_closed` event newer than `after`, or None when none came in time."""
    deadline = time.monotonic() + seconds
    while True:
        with container.read_session() as session:
            found = [e.payload.get("detail", "") for e in read_events(session, after, run_id=run_id, limit=1000)
                     if e.type == "run.positions_closed"]
        if found:
            return found[-1]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def _held(container: Container, run_id: str) -> list[str]:
    """The run's positions as it booked them once stopped ("AAPL 52")."""
    with container.read_session() as session:
        return [f"{p.symbol} {decimal_text(p.qty.normalize())}" for p in RunRecords(session).positions(run_id)
                if p.qty]


def _wait_for_stop(container: Container, run_id: str, after: int, seconds: float) -> dict[str, Any] | None:
    """The stop's `run.orders_cancelled` payload once the live worker has stopped the run (with `closed`, what
    its `run.positions_closed` says), or None."""
    deadline = time.monotonic() + seconds
    while True:
        with container.read_session() as session:
            run = session.get(Run, run_id)
            if run is not None and run.status == "stopped":
                events = read_events(session, after, run_id=run_id, limit=100_000)
                told = [dict(e.payload) for e in events if e.type == "run.orders_cancelled"]
                closed = [e.payload.get("detail", "") for e in events if e.type == "run.positions_closed"]
                return {**(told[-1] if told else {}), **({"closed": closed[-1]} if closed else {})}
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def _json_value(value: object) -> str:
    """What json does not write itself, as the API writes it: a Decimal positional, a time in UTC with a Z
    (trial 38: `runs drift --json` wrote "2026-12-07 21:07:17+00:00" where the API writes
    "2026-12-07T21:07:17Z"), anything else as text."""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value)


from app.cli import robustness as _robustness  # noqa: E402,F401  `weaver runs robustness` (it builds on this module)
