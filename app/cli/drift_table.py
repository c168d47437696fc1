"""`weaver runs drift`: the drift report as tables that fit the terminal.

The summary, then the decisions that differ: those only one side made, a different request, or a row
with a note (how live filled, what each side held; app/services/drift_notes.py). At any width the bar,
the decision, its status and its note are shown whole (the note wraps); the live fill, the slippage and
the fill delay are added as the width allows. Quantities and prices are written without trailing zeros
("2 @ 189.97"), times in this machine's zone as `weaver runs show` writes them (the notes' ISO UTC stamps too;
`--json` keeps UTC) and as short as the rows allow (the date in the title when they share it).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table

from app.services.drift import DriftReport
from app.services.drift_match import DriftRow
from app.services.drift_notes import quantity_text

DASH = "–"
STATUS = {"identical": "same request", "different": "different", "only_live": "only live",
          "only_backtest": "only backtest"}
NOTE_MIN = 30  # the note wraps down to this width; narrower, the optional columns go first


def print_drift(report: DriftReport, console: Console | None = None) -> None:
    console = console or Console(emoji=False, width=shutil.get_terminal_size().columns)
    s = report.summary
    idle = f", {report.idle_bars} while the run was not trading" if report.idle_bars else ""
    versus = f"backtest run {report.against}" if report.against else f"a replay of {report.bars} bars " \
        f"({report.warmup} warm-up{idle}, from {report.source})"
    console.print(f"[bold]{report.run_id}[/bold] vs {versus}, params {report.params}")
    if report.first_bar is not None and report.last_bar is not None:
        console.print(f"to backtest the same period as a run of its own: the same settings, --start "
                      f"{_option(report.first_bar)} --end {_option(report.last_bar)} (the replay's first bar and "
                      f"the run's last) --warmup {report.warmup}", highlight=False)
    table = Table("measure", "value", title="live vs backtest")
    for name, value in (
        ("decisions identical", f"{s.identical} of {s.decisions} ({s.identical_pct:.1f} %)"),
        ("only live / only backtest", f"{s.only_live} / {s.only_backtest}"),
        ("slippage avg / worst (bps)", f"{number(s.avg_slippage_bps)} / {number(s.worst_slippage_bps)}"),
        ("P&L live / backtest", f"{s.live_pnl} / {s.backtest_pnl}"),
        ("difference", str(s.difference)), ("  from execution", str(s.execution)),
        ("    of which fees", str(s.execution_fees)), ("  from signal", str(s.signal)),
        ("fees live / backtest", f"{s.live_fees} / {s.backtest_fees}"),
        ("orders filled in pieces or in part", str(s.partial_fills)),
    ):
        table.add_row(name, value)
    console.print(table)
    for note in report.notes:  # what the backtest side's cost models did (app/services/drift_costs.py)
        console.print(local_stamps(note), highlight=False)
    differing = [r for r in report.rows if r.status != "identical" or r.note]
    if differing:
        console.print(differing_table(differing, console.width))


def differing_table(rows: Sequence[DriftRow], width: int) -> Table:
    """The rows in a table at most `width` columns wide, cutting none of what it shows."""
    bar_text, when = _times(rows)
    columns: list[tuple[str, Callable[[DriftRow], str]]] = [
        ("bar", bar_text), ("decision", _decision), ("status", lambda r: STATUS.get(r.status, r.status))]
    optional: list[tuple[str, Callable[[DriftRow], str]]] = [
        ("live filled", _live_fill), ("slippage bps", lambda r: number(r.slippage_bps, 2)),
        ("delay s", lambda r: number(r.fill_delay_s, 3))]
    used = sum(_width(name, cell, rows) + 3 for name, cell in columns) + 1 + NOTE_MIN + 3
    for name, cell in optional:
        extra = _width(name, cell, rows) + 3
        if used + extra <= width:
            columns.append((name, cell))
            used += extra
    table = Table(title=f"decisions that differ or filled otherwise ({when})")
    for name, _ in columns:
        table.add_column(name, no_wrap=True)
    table.add_column("note", min_width=NOTE_MIN, overflow="fold")
    for r in rows:
        table.add_row(*(cell(r) for _, cell in columns), local_stamps(r.note or ""))
    return table


def _width(name: str, cell: Callable[[DriftRow], str], rows: Sequence[DriftRow]) -> int:
    return max([len(name), *(len(cell(r)) for r in rows)])


def _times(rows: Sequence[DriftRow]) -> tuple[Callable[[DriftRow], str], str]:
    """How to write a row's bar time, in this machine's zone, and what the title says of them all."""
    times = [r.bar_ts.astimezone() for r in rows]
    zone = "/".join(dict.fromkeys(t.tzname() or "local time" for t in times))  # PST, or PST/PDT across a change
    seconds = any(t.second or t.microsecond for t in times)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if len({t.date() for t in times}) == 1:
        fmt, when = clock, f"{zone}, {times[0]:%Y-%m-%d}"
    elif len({t.time() for t in times}) == 1:  # daily bars
        fmt, when = "%Y-%m-%d", zone
    elif len({t.year for t in times}) == 1:
        fmt, when = f"%m-%d {clock}", f"{zone}, {times[0].year}"
    else:
        fmt, when = f"%Y-%m-%d {clock}", zone
    return (lambda r: r.bar_ts.astimezone().strftime(fmt)), when


STAMP = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|\+00:00)")  # drift_stamps.stamp's


def local_stamps(text: str) -> str:
    """A note's ISO UTC stamps in this machine's zone, as the table's times (the UI does the same in the
    user's zone): 2026-12-07T23:57:23Z → 2026-12-07 15:57:23 PST."""
    return STAMP.sub(lambda m: _local(datetime.fromisoformat(m.group().replace("Z", "+00:00"))), text)


def _local(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local:%Y-%m-%d %H:%M:%S}{f'.{local.microsecond:06d}' if local.microsecond else ''} {local:%Z}"


def _option(moment: datetime) -> str:
    """A time to give `weaver backtest --start/--end`: ISO in this machine's zone, with its offset."""
    return moment.astimezone().isoformat()


def _decision(r: DriftRow) -> str:
    return f"{r.side} {r.symbol}" + ("" if r.type == "market" else f" {r.type}")


def _live_fill(r: DriftRow) -> str:
    d = r.live
    if d is None or d.avg_price is None:
        return DASH
    return f"{quantity_text(d.filled_qty)} @ {quantity_text(d.avg_price)}"


def number(value: float | None, places: int = 4) -> str:
    if value is None:
        return DASH
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
