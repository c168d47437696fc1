"""BarFrame: one symbol's bars as numpy arrays, checked once when built.

This is what every source produces (a SQL query, a CSV file, the synthetic generator), so the
constructor takes plain arrays. It refuses bad data with a DataError naming the row and the reason
rather than repairing anything: a silently "fixed" bar would make a backtest quietly wrong.
Arrays are stored read-only so no strategy or indicator can rewrite history in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

COLUMNS = ("ts", "open", "high", "low", "close", "volume")
PRICES = ("open", "high", "low", "close")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ns_to_datetime(ns: int) -> datetime:
    """Epoch nanoseconds → aware UTC datetime, exact to the microsecond (no float seconds)."""
    return _EPOCH + timedelta(microseconds=int(ns) // 1000)


class DataError(ValueError):
    """Bars were refused; `row` is the 0-based row in the arrays (None when not about one row)."""

    def __init__(self, message: str, *, row: int | None = None):
        self.row = row
        super().__init__(message)


def _readonly(values: Any, dtype: type) -> np.ndarray:
    array = np.asarray(values, dtype=dtype)
    if array.ndim != 1:
        raise DataError(f"bar columns must be one-dimensional, got shape {array.shape}")
    view = array.view()
    view.flags.writeable = False
    return view


def _timestamps(values: Any) -> np.ndarray:
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.datetime64):
        array = array.astype("datetime64[ns]").astype(np.int64)
    return _readonly(array, np.int64)


class BarFrame:
    """Bars of one symbol: `ts` int64 UTC epoch nanoseconds (bar start), prices and volume float64."""

    __slots__ = ("symbol", "timeframe", "ts", "open", "high", "low", "close", "volume")

    def __init__(self, symbol: str, timeframe: str, ts: Any, open: Any, high: Any, low: Any, close: Any,
                 volume: Any, *, check: bool = True):
        self.symbol = symbol
        self.timeframe = timeframe
        self.ts = _timestamps(ts)
        self.open = _readonly(open, np.float64)
        self.high = _readonly(high, np.float64)
        self.low = _readonly(low, np.float64)
        self.close = _readonly(close, np.float64)
        self.volume = _readonly(volume, np.float64)
        if check:
            problem = find_problem(self)
            if problem is not None:
                row, reason = problem
                where = f" row {row}" if row is not None else ""
                raise DataError(f"{symbol}{where}: {reason}", row=row)

    def __len__(self) -> int:
        return len(self.ts)

    def __repr__(self) -> str:
        return f"BarFrame({self.symbol!r}, {self.timeframe!r}, {len(self)} bars)"

    def column(self, name: str) -> np.ndarray:
        return getattr(self, name)

    def head(self, count: int) -> BarFrame:
        """The first `count` bars (views, no copy, no re-check)."""
        return BarFrame(self.symbol, self.timeframe, *(getattr(self, c)[:count] for c in COLUMNS), check=False)


def find_problem(frame: BarFrame) -> tuple[int | None, str] | None:
    """The earliest bad row and why, or None. Vectorised: a million bars take milliseconds."""
    lengths = {name: len(getattr(frame, name)) for name in COLUMNS}
    if len(set(lengths.values())) > 1:
        return None, "columns have different lengths: " + ", ".join(f"{k}={v}" for k, v in lengths.items())
    if len(frame) == 0:
        return None
    o, h, lo, c, v = frame.open, frame.high, frame.low, frame.close, frame.volume
    checks: list[tuple[np.ndarray, Any]] = []
    for name in (*PRICES, "volume"):
        values = getattr(frame, name)
        checks.append((~np.isfinite(values), lambda i, n=name, a=values: f"{n} is {a[i]} (not a finite number)"))
    for name in PRICES:
        values = getattr(frame, name)
        checks.append((values <= 0, lambda i, n=name, a=values: f"{n} {a[i]:g} is not positive"))
    checks += [
        (h < lo, lambda i: f"high {h[i]:g} is below low {lo[i]:g}"),
        (h < np.maximum(o, c), lambda i: f"high {h[i]:g} is below max(open, close) {max(o[i], c[i]):g}"),
        (lo > np.minimum(o, c), lambda i: f"low {lo[i]:g} is above min(open, close) {min(o[i], c[i]):g}"),
        (v < 0, lambda i: f"volume {v[i]:g} is negative"),
    ]
    ts = frame.ts
    not_after = np.zeros(len(ts), dtype=bool)
    not_after[1:] = ts[1:] <= ts[:-1]
    checks.append((not_after, lambda i: f"timestamp {ts[i]} is not after the previous one ({ts[i - 1]})"))
    first: tuple[int, str] | None = None
    for mask, reason in checks:
        if mask.any():
            row = int(np.argmax(mask))
            if first is None or row < first[0]:
                first = (row, reason(row))
    return first


def frames_by_symbol(frames: Sequence[BarFrame]) -> dict[str, BarFrame]:
    out: dict[str, BarFrame] = {}
    for frame in frames:
        if frame.symbol in out:
            raise DataError(f"symbol {frame.symbol} given twice")
        out[frame.symbol] = frame
    return out
