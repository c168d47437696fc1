"""`weaver runs list|show|export|drift`: results out, in the terminal or as files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from app.bootstrap import Container, bootstrap
from app.cli.common import fail, settings_or_exit
from app.services import exports
from app.services.backtests import USER_ERRORS, BacktestService
from app.services.drift import DriftReport, open_drift_report, report_json
from app.services.errors import NotFound, ValidationFailed
from app.walle.repositories import RunFilter, RunRecords, RunRepository


@click.group()
def runs() -> None:
    """List runs, show one's metrics, export its records."""


def _container():  # type: ignore[no-untyped-def]
    return bootstrap(settings_or_exit(require_token=False, embedded_fallback=True, needs_broker=False), listen=False)


def _backtests(container: Container) -> BacktestService:
    """What rebuilds a sweep cell's orders, fills, trades and equity curve before they are read (a
    cell stores only its summary when it runs: app/services/results.py)."""
    return BacktestService(container.uow, container.read_session)


def _complete_records(container: Container, run_id: str) -> None:
    try:
        _backtests(container).complete_records(run_id)
    except USER_ERRORS as exc:  # the cell's bars or strategy are gone: its records cannot be rebuilt
        raise ValidationFailed({"run_id": str(exc)}, f"cannot rebuild the records of run {run_id}: {exc}") from None


@runs.command("list")
@click.option("--mode", type=click.Choice(["backtest", "paper", "live"]))
@click.option("--status")
@click.option("--limit", default=20, show_default=True)
def list_(mode: str | None, status: str | None, limit: int) -> None:
    """The newest runs."""
    container = _container()
    with container.read_session() as session:
        found, total = RunRepository(session).list(RunFilter(mode=mode, status=status), limit=limit)
        metrics = RunRepository(session).metrics([r.id for r in found])
        table = Table(title=f"{total} run(s)")
        table.add_column("id", no_wrap=True, min_width=36)  # an id is for copying: never cut, even on a narrow terminal
        for heading in ("mode", "strategy", "symbols", "status", "return %", "sharpe"):
            table.add_column(heading)
        for run in found:
            m = metrics.get(run.id, {})
            table.add_row(run.id, run.mode, run.strategy, ",".join(run.symbols), run.status,
                          _number(m.get("total_return_pct")), _number(m.get("sharpe")))
    container.close()
    Console().print(table)


@runs.command()
@click.argument("run_id")
def show(run_id: str) -> None:
    """A run's settings and its metrics table."""
    container = _container()
    with container.read_session() as session:
        run = RunRepository(session).get(run_id)
        if run is None:
            container.close()
            fail(f"no run with id {run_id}", 2)
        metrics = RunRecords(session).metrics(run_id)
        console = Console()
        console.print(f"[bold]{run.strategy}[/bold] {run.mode} on {', '.join(run.symbols)} {run.timeframe} — "
                      f"{run.status}" + (f" ({run.error})" if run.error else ""))
        console.print(f"params {run.params}  cash {run.cash}  fees {run.fees}  slippage {run.slippage}")
        table = Table("metric", "value", title="metrics")
        for name, value in sorted(metrics.items()):
            table.add_row(name, _number(value))
        console.print(table)
    container.close()


@runs.command()
@click.argument("run_id")
@click.option("--what", "kind", type=click.Choice(list(exports.KINDS)), default="trades", show_default=True)
@click.option("--format", "fmt", type=click.Choice(list(exports.FORMATS)), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
def export(run_id: str, kind: str, fmt: str, out: Path | None) -> None:
    """Write a run's trades, orders, fills or equity curve as CSV or JSON."""
    container = _container()
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
    texts = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--param takes NAME=VALUE, got {item!r}")
        texts[name.strip()] = value.strip()
    container = _container()
    try:
        report = open_drift_report(_backtests(container), run_id, param_texts=texts, against=against)
    except (NotFound, ValidationFailed) as exc:
        fail(exc.message, 2)
    finally:
        container.close()
    if as_json:
        click.echo(json.dumps(report_json(report), default=str, indent=2))
        return
    _print_drift(report)


def _print_drift(report: DriftReport) -> None:
    s, console = report.summary, Console()
    versus = f"backtest run {report.against}" if report.against else f"a replay of {report.bars} bars " \
        f"({report.warmup} warm-up, from {report.source})"
    console.print(f"[bold]{report.run_id}[/bold] vs {versus}, params {report.params}")
    table = Table("measure", "value", title="live vs backtest")
    for name, value in (
        ("decisions identical", f"{s.identical} of {s.decisions} ({s.identical_pct:.1f} %)"),
        ("only live / only backtest", f"{s.only_live} / {s.only_backtest}"),
        ("slippage avg / worst (bps)", f"{_number(s.avg_slippage_bps)} / {_number(s.worst_slippage_bps)}"),
        ("P&L live / backtest", f"{s.live_pnl} / {s.backtest_pnl}"),
        ("difference", str(s.difference)), ("  from execution", str(s.execution)), ("  from signal", str(s.signal)),
        ("partial fills", str(s.partial_fills)),
    ):
        table.add_row(name, value)
    console.print(table)
    differing = [r for r in report.rows if r.status != "identical" or (r.live and r.live.partial)]
    if differing:
        rows = Table("bar", "symbol", "side", "type", "status", "slippage bps", "delay s", "live fills",
                     title="decisions that differ")
        for r in differing:
            fills = ", ".join(f"{f.qty}@{f.price}" for f in r.live.fills) if r.live else "–"
            rows.add_row(r.bar_ts.isoformat(), r.symbol, r.side, r.type, r.status, _number(r.slippage_bps),
                         _number(r.fill_delay_s), fills)
        console.print(rows)


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.4f}".rstrip("0").rstrip(".")
