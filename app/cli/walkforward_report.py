"""`weaver walkforward show`: the walk-forward's read model (the API's, app/glados/routes/walkforwards.py)
as a report in the terminal's width: status, one row per fold (its fees too, and the stitched curve's total;
narrower than 120 columns the least telling of them go first, and a line says which), the
stitched out-of-sample result beside the hindsight parameters (run on the same test windows as the folds' own,
and over the whole window), efficiency, parameter stability, and the skipped folds and grid cells. Figures as
app/cli/metric_text.py writes them, so they read as in `weaver runs show` and the UI."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from app.cli.metric_text import DASH, METRICS, NOT_ENOUGH_DATA, metric_text, number
from app.cli.skipped_cells import skipped_lines
from app.glados.routes.walkforwards import FoldOut, WalkforwardOut
from app.greta.metrics import unavailable
from app.greta.stitch import IN_SAMPLE_LOSS

RESULT_ROWS = ("total_return_pct", "cagr_pct", "sharpe", "max_drawdown_pct", "trades", "final_equity")
FULL_WIDTH = 120  # from here on the fold table shows every column, as it always did
CHOSEN_MIN = 16  # the chosen parameters wrap down to this width; narrower, the optional columns go first
# The fold table's optional columns, the first kept longest: the train window, then the out-of-sample trades,
# the in-sample objective, the out-of-sample fees (the fold, its test window, the chosen parameters, the
# out-of-sample return and the efficiency always show)
OPTIONAL = ("train", "trades", "in_sample", "fees")


def print_walkforward(console: Console, wf: WalkforwardOut) -> None:
    for line in header(wf):
        console.print(line, highlight=False)
    console.print(f"\n{len(wf.folds)} fold(s); in sample: the chosen cell on the train window", highlight=False)
    columns = fold_columns(wf, console.width)
    console.print(folds_table(wf, console.width))
    shown = {column.name for column in columns}
    left_out = [column.label for column in fold_columns(wf) if column.name not in shown]
    if left_out:
        console.print(f"left out at {console.width} columns: {', '.join(left_out)} (COLUMNS={FULL_WIDTH} shows "
                      "every column)", highlight=False)
    for line in fold_notes(wf, fees_shown="fees" in shown):
        console.print(line, highlight=False)
    if wf.result is not None or (wf.contrast is not None and wf.contrast.run_id):
        included = f" ({wf.result.folds_included} of {len(wf.folds)} folds)" if wf.result is not None else ""
        console.print(f"\nout of sample, stitched{included}: each fold's parameters on its test window",
                      highlight=False)
        if wf.contrast is not None:
            console.print("hindsight-optimised: the whole window's best cell (in sample), run on each test window "
                          "as that fold's out-of-sample run is (warmed up, started flat, closed at its end) and "
                          "chained as the stitched curve, and over the whole window (closed at its last close too: "
                          "its sweep's cell leaves the last position open, so trades and profit factor there can "
                          "differ by that one trade)",
                          highlight=False)  # wrapped at the console's width
        console.print(result_table(wf))
        console.print(efficiency_line(wf), highlight=False)
    if any(v is not None for item in wf.stability for v in item.values):
        console.print("\nparameter stability: the value each fold chose", highlight=False)
        console.print(stability_table(wf))
    for skipped in wf.skipped_folds:
        console.print(f"skipped fold {skipped.index + 1}: {skipped.reason}", highlight=False)
    for line in skipped_cell_lines(wf):
        console.print(line, highlight=False)


def skipped_cell_lines(wf: WalkforwardOut) -> list[str]:
    """The grid's cells no fold tried, with why (their parameters break the strategy's rules), as
    `weaver sweep` lists them."""
    return skipped_lines((cell.params, cell.reason) for cell in wf.skipped)


def header(wf: WalkforwardOut) -> list[str]:
    s, f = wf.settings, wf.fold_spec
    first = wf.folds[0].train_first if wf.folds else None
    last = wf.folds[-1].test_last if wf.folds else None
    span = f", folds {first:%Y-%m-%d} → {last:%Y-%m-%d}" if first and last else ""  # (the data may run on)
    step = f.get("step") if f.get("step") is not None else "= test"
    pct = f" ({wf.cells_done / wf.cells_total:.0%})" if wf.cells_total else ""
    lines = [
        f"walk-forward {wf.id}" + (f"  {wf.name}" if wf.name else ""),
        f"{wf.strategy} on {', '.join(s['symbols'])} {s['timeframe']}{span}",
        f"objective: {wf.objective}, {'highest' if wf.direction == 'max' else 'lowest'}"
        + (f"; cells with fewer than {wf.min_trades} trade(s) are not chosen" * bool(wf.min_trades)),
        f"folds: {f.get('kind')}, train {f.get('train')}, test {f.get('test')}, step {step}, gap {f.get('gap', 0)}; "
        f"{f.get('warmup')} warm-up bars before each test window",
        f"status: {wf.status}, {wf.cells_done:,}/{wf.cells_total:,} cells and runs ran{pct}"
        + (f", {wf.cells_cancelled:,} cancelled" if wf.cells_cancelled else ""),
    ]
    if wf.error:
        lines.append(f"error: {wf.error}")
    if _longer(f.get("step"), f.get("test")):  # trial 31: --step 300 --test 150
        lines.append(f"the test windows leave bars between them untested (step {step}, test {f.get('test')}): the "
                     "stitched out-of-sample result chains only the bars inside them")
    return lines


def _longer(step: object, test: object) -> bool:
    """Whether the fold step is longer than the test window (both bars, or periods of one unit)."""
    lengths = [re.fullmatch(r"\s*(\d+)\s*([A-Za-z]*)\s*", str(v)) if v is not None else None for v in (step, test)]
    if not all(lengths):
        return False
    (step_n, step_unit), (test_n, test_unit) = (m.groups() for m in lengths)  # type: ignore[union-attr]
    return step_unit.upper() == test_unit.upper() and int(step_n) > int(test_n)


@dataclass(frozen=True)
class FoldColumn:
    name: str
    heading: str
    justify: str
    cell: Callable[[FoldOut], str]
    label: str  # what the line naming the columns left out calls it


def fold_columns(wf: WalkforwardOut, width: int = FULL_WIDTH) -> list[FoldColumn]:
    """The fold table's columns that fit `width` (all of them from `FULL_WIDTH` on), in the table's order."""
    objective = _label(wf.objective)
    every = [
        FoldColumn("fold", "fold", "right", lambda f: str(f.index + 1), "fold"),
        FoldColumn("train", "train", "left", lambda f: _span(f.train_first, f.train_last), "train window"),
        FoldColumn("test", "test", "left", lambda f: _span(f.test_first, f.test_last) + ("*" if f.partial else ""),
                   "test window"),
        FoldColumn("chosen", "chosen", "left", lambda f: chosen(wf, f), "chosen"),
        FoldColumn("in_sample", f"in sample\n{textwrap.fill(objective, 9)}", "right",  # "Total return" in two lines
                   lambda f: _figure(f.in_sample_metrics, wf.objective), f"in-sample {objective}"),
        FoldColumn("oos_return", "OOS\nreturn", "right", lambda f: _figure(f.oos_metrics, "total_return_pct"),
                   "OOS return"),
        FoldColumn("trades", "OOS\ntrades", "right", lambda f: _figure(f.oos_metrics, "trades"), "OOS trades"),
        FoldColumn("fees", "OOS\nfees", "right", lambda f: _figure(f.oos_metrics, "fees_total"), "OOS fees"),
        FoldColumn("eff", "eff.", "right", lambda f: number(f.efficiency), "efficiency"),
    ]
    if width >= FULL_WIDTH:
        return every
    needed = {column.name: _column_width(wf, column) for column in every}
    kept = {column.name for column in every if column.name not in OPTIONAL}
    used = sum(needed[name] + 1 for name in kept if name != "chosen") + min(needed["chosen"], CHOSEN_MIN) - 1
    for name in OPTIONAL:
        if used + needed[name] + 1 <= width:
            kept.add(name)
            used += needed[name] + 1
    return [column for column in every if column.name in kept]


def _column_width(wf: WalkforwardOut, column: FoldColumn) -> int:
    cells = [column.cell(fold) for fold in wf.folds] + [_total_row(wf).get(column.name, "")]
    return max(len(line) for text in (column.heading, *cells) for line in text.splitlines() or [""])


def _total_row(wf: WalkforwardOut) -> dict[str, str]:
    """The stitched curve's row: its fees, each fold's scaled as its P&L is (fold_notes says so)."""
    if wf.result is None:
        return {}
    return {"fold": "all", "chosen": "stitched", "fees": _figure(wf.result.metrics, "fees_total")}


def folds_table(wf: WalkforwardOut, width: int = FULL_WIDTH) -> Table:
    """One row per fold, in at most `width` columns (see `fold_columns`); below them the stitched curve's fees
    when the fees show."""
    columns = fold_columns(wf, width)
    table = Table(box=None, padding=(0, 1), pad_edge=False, collapse_padding=True)
    for column in columns:
        table.add_column(column.heading, justify=column.justify,  # type: ignore[arg-type]
                         no_wrap=column.name != "chosen")
    for fold in wf.folds:
        table.add_row(*(column.cell(fold) for column in columns))
    total = _total_row(wf)
    if total and any(column.name == "fees" for column in columns):
        table.add_row(*(total.get(column.name, "") for column in columns))
    return table


def chosen(wf: WalkforwardOut, fold: FoldOut) -> str:
    """The grid's parameters the fold chose; else why none was, or what it waits for."""
    if fold.params is not None:
        return params_text(wf.grid, fold.params)
    if fold.reason:
        return f"none: {fold.reason}"
    return f"optimising ({fold.cells_done}/{fold.cells_total})" if wf.status == "optimising" else DASH


def fold_notes(wf: WalkforwardOut, fees_shown: bool = True) -> list[str]:
    notes = []
    if wf.result is not None and wf.folds and fees_shown:
        notes.append("all: the stitched out-of-sample fees, each fold's scaled as its P&L is (the chained account)")
    if any(f.partial for f in wf.folds):
        notes.append("* the test window runs past the data's end: shorter than asked")
    why_no_efficiency: dict[str, list[str]] = {}  # one line per reason, naming its folds
    for fold in wf.folds:
        if fold.oos_run_id and fold.oos_status not in (None, "completed", "queued", "running", "created"):
            notes.append(f"fold {fold.index + 1}: its out-of-sample run is {fold.oos_status}")
        elif fold.efficiency is None and fold.efficiency_reason and fold.params is not None:
            why_no_efficiency.setdefault(fold.efficiency_reason, []).append(str(fold.index + 1))
    for reason, folds in why_no_efficiency.items():
        notes.append(f"efficiency {DASH} (fold{'s' * (len(folds) > 1)} {', '.join(folds)}): {reason}")
    notes += tie_notes(wf)
    return notes


def tie_notes(wf: WalkforwardOut) -> list[str]:
    """Folds whose best figure several cells shared: the grid's order chose, not the objective (trial 31)."""
    tied = [(fold.index + 1, fold.tied) for fold in wf.folds if fold.params is not None and fold.tied > 1]
    if not tied:
        return []
    folds = ", ".join(f"{index} ({count} cells)" for index, count in tied)
    return [f"tied on {_label(wf.objective)} (fold{'s' * (len(tied) > 1)} {folds}): the first of the "
            "tied cells in grid order was taken; the objective did not tell them apart"]


def result_table(wf: WalkforwardOut) -> Table:
    """Stitched out of sample beside the contrast (the whole window's best cell): on the same test windows,
    the fair comparison, and over the whole window, a longer span (a Bars row says how much longer)."""
    table = Table()
    table.add_column("measure")
    table.add_column("out of sample\n(stitched)", justify="right")
    columns = [wf.result.metrics if wf.result is not None else None]
    if wf.contrast is not None:
        table.add_column("hindsight,\nsame test windows", justify="right")
        table.add_column("hindsight,\nwhole window", justify="right")
        columns += [(wf.result.contrast_metrics or {}) if wf.result is not None else None, wf.contrast.metrics]
    for name in RESULT_ROWS:
        table.add_row(_label(name), *("pending" if m is None else _figure(m, name) for m in columns))
    table.add_row("Bars", *("pending" if m is None else _count(m.get("bars")) for m in columns))
    if wf.contrast is not None:
        picked = (params_text(wf.grid, wf.contrast.params) if wf.contrast.params is not None
                  else f"none: {wf.contrast.reason}" if wf.contrast.reason else "pending")
        table.add_row("parameters", "per fold", picked, picked)
    return table


def efficiency_line(wf: WalkforwardOut) -> str:
    result = wf.result
    if result is None:
        return f"walk-forward efficiency: {DASH} (once every out-of-sample run has finished)"
    if result.efficiency is None:
        return f"walk-forward efficiency: {DASH} ({result.efficiency_reason or 'not available'})"
    year = (f" (both annualised with a year of {result.bars_per_year:,.0f} bars, the year of the folds' whole span; "
            "each fold's own CAGR uses its own window's year)") if result.bars_per_year else ""
    losing = losing_in_sample(wf)
    mixed = (f"; the mean counts every fold's in-sample return, {losing} whose own ratio means nothing (an "
             f"in-sample loss) included") if losing else ""  # trial 31: -2.27 read beside folds marked so
    return (f"walk-forward efficiency: {number(result.efficiency)} = annualised OOS return "
            f"{metric_text('total_return_pct', result.oos_annualised_return_pct)} / mean annualised IS return "
            f"{metric_text('total_return_pct', result.is_annualised_return_pct)}{year}{mixed}")


def losing_in_sample(wf: WalkforwardOut) -> int:
    """Folds whose own efficiency is withheld for a losing (not positive) in-sample return."""
    return sum(1 for f in wf.folds if f.efficiency is None and f.efficiency_reason == IN_SAMPLE_LOSS)


def stability_table(wf: WalkforwardOut) -> Table:
    table = Table()
    table.add_column("parameter")
    table.add_column("by fold (1, 2, …)")
    table.add_column("distinct", justify="right")
    for item in wf.stability:
        table.add_row(item.name, " ".join(DASH if v is None else str(v) for v in item.values), str(item.distinct))
    return table


def params_text(grid: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    """The swept parameters only (the fixed ones are the same in every fold)."""
    names = [n for n in grid if n in params] or list(params)
    return " ".join(f"{n}={params[n]}" for n in names)


def _figure(metrics: Mapping[str, float | None], name: str) -> str:
    if name in unavailable(dict(metrics)):
        return NOT_ENOUGH_DATA
    return metric_text(name, metrics.get(name))


def _label(name: str) -> str:
    """The UI's label without its note: "Sharpe (arithmetic, ann.)" → "Sharpe"."""
    return METRICS.get(name, (name, ""))[0].split(" (")[0]


def _count(value: float | None) -> str:
    return DASH if value is None else f"{round(value):,}"


def _span(first: datetime, last: datetime) -> str:
    return f"{first:%Y-%m-%d}→{last:%Y-%m-%d}"


def _day(value: Any) -> str | None:
    return None if not value else str(value)[:10]
