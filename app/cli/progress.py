"""Progress bars for long CLI work: rate and ETA on a terminal, silent with --quiet or when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class Tracker(Protocol):
    def update(self, done: int, total: int | None = None) -> None: ...


class _Silent:
    def update(self, done: int, total: int | None = None) -> None:
        return None


class RateColumn(ProgressColumn):
    def __init__(self, unit: str):
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("–" if speed is None else f"{speed:,.0f} {self.unit}/s", style="cyan")


class _Bar:
    def __init__(self, progress: Progress, task: int):
        self.progress, self.task = progress, task

    def update(self, done: int, total: int | None = None) -> None:
        self.progress.update(self.task, completed=done, **({"total": total} if total is not None else {}))


def show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(description: str, total: int | None, *, unit: str = "rows", quiet: bool = False) -> Iterator[Tracker]:
    """A bar with count, percentage, rate, elapsed time and ETA; a no-op when it would not be seen."""
    if not show_progress(quiet):
        yield _Silent()
        return
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
               RateColumn(unit), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, transient=False) as progress:
        yield _Bar(progress, progress.add_task(description, total=total))
