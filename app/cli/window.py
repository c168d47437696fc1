"""`--start` and `--end` of `weaver backtest` and `weaver sweep`: only the bars inside the window, as an API
run's `start` and `end` keep them, so a sweep cell or a walk-forward fold's run can be redone from the
command line on the same bars (bounds inclusive, UTC unless the time says its zone; a date alone is a
whole day: `--end 2024-06-30` keeps that day's bars)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
import numpy as np

from app.marvin.bars import COLUMNS, BarFrame, DataError


def window_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--end", default=None, metavar="WHEN",
                           help="Last bar kept: a date (the whole day) or an ISO time, UTC unless it says its "
                                "zone.")(command)
    return click.option("--start", default=None, metavar="WHEN",
                        help="First bar kept: a date or an ISO time (2024-01-02 or 2024-01-02T14:30:00Z), UTC "
                             "unless it says its zone.")(command)


def _bound(text: str | None, option: str, *, end: bool) -> int | None:
    """Epoch nanoseconds: the first instant kept (start) or the first one past the window (end)."""
    if text is None:
        return None
    try:
        if len(text) == 10:  # a date: a whole UTC day
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + (timedelta(days=1) if end else timedelta())
            return int(moment.timestamp()) * 1_000_000_000
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (2024-01-02) or an ISO time (2024-01-02T14:30:00Z)",
                                 param_hint=option) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    nanos = round(moment.timestamp() * 1_000_000) * 1_000
    return nanos + 1 if end else nanos  # an end time is itself kept


def in_window(frames: list[BarFrame], start: str | None, end: str | None) -> list[BarFrame]:
    """Each frame's bars in [start, end]; the frames unchanged without either. A window that keeps none of a
    symbol's bars is an error naming the symbol and what its data covers."""
    first, past = _bound(start, "--start", end=False), _bound(end, "--end", end=True)
    if first is None and past is None:
        return frames
    if first is not None and past is not None and past <= first:
        raise click.BadParameter(f"--end {end} is not after --start {start}", param_hint="--end")
    kept = []
    for frame in frames:
        lo = 0 if first is None else int(np.searchsorted(frame.ts, first, side="left"))
        hi = len(frame) if past is None else int(np.searchsorted(frame.ts, past, side="left"))
        if hi <= lo:
            span = (f"{_text(frame.ts[0])} to {_text(frame.ts[-1])}" if len(frame) else "no bars")
            raise DataError(f"{frame.symbol}: no bars between --start and --end (its bars run {span})")
        kept.append(BarFrame(frame.symbol, frame.timeframe, *(getattr(frame, c)[lo:hi] for c in COLUMNS),
                             check=False))
    return kept


def _text(ns: int) -> str:
    return datetime.fromtimestamp(int(ns) / 1e9, UTC).strftime("%Y-%m-%d %H:%M UTC")
