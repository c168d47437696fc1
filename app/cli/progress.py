"""Progress bars for long CLI work: rate and ETA on a terminal, silent with --quiet or when piped.

Bars are drawn on stderr and only when stderr is a terminal, so stdout carries nothing but results
(tables, JSON, summary lines) and `weaver … > out.txt` stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich import filesize
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class Tracker(Protocol):
    def update(self, done: int, total: int | None = None) -> None: ...

    def stage(self, description: str, total: int | None, *, unit: str) -> None: ...


class _Silent:
    def update(self, done: int, total: int | None = None) -> None:
        return None

    def stage(self, description: str, total: int | None, *, unit: str) -> None:
        return None


def _speed(task: Task) -> float | None:
    """Recent speed when rich has samples; else the average since the start. A task whose total is
    re-estimated (bars fetch) loses its samples on every change, and the average is still honest."""
    speed = task.finished_speed or task.speed
    if speed is None and task.completed and task.elapsed:
        speed = task.completed / task.elapsed
    return speed


def _amount(value: float, unit: str) -> str:
    return filesize.decimal(int(value)) if unit == "bytes" else f"{value:,.0f}"


class CountColumn(ProgressColumn):
    """`done/total unit`, bytes in kB/MB; `~` marks a total that is an estimate."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        shown = "" if unit == "bytes" else f" {unit}"
        if task.total is None:
            return Text(f"{_amount(task.completed, unit)}{shown}", style="progress.download")
        mark = "~" if task.fields.get("estimated") else ""
        return Text(f"{_amount(task.completed, unit)}/{mark}{_amount(task.total, unit)}{shown}",
                    style="progress.download")


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed, unit = _speed(task), task.fields.get("unit", "")
        if speed is None:
            return Text("–", style="cyan")
        return Text(f"{filesize.decimal(int(speed))}/s" if unit == "bytes" else f"{speed:,.0f} {unit}/s",
                    style="cyan")


class EtaColumn(ProgressColumn):
    """Time left at the current rate; `-:--:--` while the total or the rate is unknown."""

    def render(self, task: Task) -> Text:
        if task.finished:
            return Text("ETA 0:00:00", style="progress.remaining")
        speed = _speed(task)
        if task.total is None or not speed:
            return Text("ETA -:--:--", style="progress.remaining")
        seconds = int(max(task.total - task.completed, 0) / speed)
        minutes, second = divmod(seconds, 60)
        hours, minute = divmod(minutes, 60)
        return Text(f"ETA {hours}:{minute:02d}:{second:02d}", style="progress.remaining")


class _Bar:
    def __init__(self, progress: Progress, task: TaskID, estimated: bool):
        self.progress, self.task, self.estimated = progress, task, estimated

    def update(self, done: int, total: int | None = None) -> None:
        self.progress.update(self.task, completed=done, **({"total": total} if total is not None else {}))

    def stage(self, description: str, total: int | None, *, unit: str) -> None:
        """Finish the current line and start a new one (import: read bytes, validate, store rows)."""
        current = next(task for task in self.progress.tasks if task.id == self.task)
        if current.total is not None:
            self.progress.update(self.task, completed=current.total)
        self.progress.stop_task(self.task)
        self.task = self.progress.add_task(description, total=total, unit=unit, estimated=self.estimated)


def stderr_console() -> Console:
    """The console bars are drawn on; tests replace it with one forced to be a terminal."""
    return Console(emoji=False, stderr=True, force_terminal=sys.stderr.isatty())


def show_progress(quiet: bool, console: Console) -> bool:
    return not quiet and console.is_terminal


@contextmanager
def progress_bar(description: str, total: int | None, *, unit: str = "rows", quiet: bool = False,
                 estimated: bool = False, transient: bool = False) -> Iterator[Tracker]:
    """A bar with count, percentage, rate, elapsed time and ETA on stderr; a no-op when it would not
    be seen. `estimated` marks totals that are a best guess (shown as `~N`)."""
    console = stderr_console()
    if not show_progress(quiet, console):
        yield _Silent()
        return
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), CountColumn(), TaskProgressColumn(),
               RateColumn(), TimeElapsedColumn(), EtaColumn()]
    with Progress(*columns, console=console, transient=transient) as progress:
        yield _Bar(progress, progress.add_task(description, total=total, unit=unit, estimated=estimated), estimated)
