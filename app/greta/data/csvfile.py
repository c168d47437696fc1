"""Load one symbol's bars from a CSV file for `weaver backtest --data`.

Two layouts are read: Yahoo-style (`Date,Open,High,Low,Close,Adj Close,Volume`; the raw Close is
used, never Adj Close) and plain (`timestamp,open,high,low,close,volume`). Headers are matched
case-insensitively. Dates without a time are UTC midnight; times without a zone are UTC. A bad row
is refused with a DataError naming its line in the file (the header is line 1), never repaired.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from app.clock.timeframes import infer_timeframe, parse_timeframe
from app.marvin.bars import BarFrame, DataError, find_problem

TIME_COLUMNS = ("timestamp", "date", "datetime", "time", "ts", "t")
VALUE_COLUMNS = ("open", "high", "low", "close", "volume")


def load_csv(path: str | Path, symbol: str | None = None, timeframe: str | None = None) -> BarFrame:
    """Bars from `path`; the symbol defaults to the file name (GOOG.csv → GOOG), the timeframe to the
    one closest to the typical gap between rows."""
    path = Path(path)
    symbol = (symbol or path.stem).upper()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise DataError(f"{path.name} is empty: expected a header line")
        positions = _positions(header)
        ts: list[int] = []
        lines: list[int] = []  # the physical line of each kept row, for errors found after reading
        values: list[list[float]] = [[] for _ in VALUE_COLUMNS]
        end = reader.line_num
        for row in reader:
            # The physical line the record starts on: blank lines and quoted line breaks count.
            line, end = end + 1, reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            lines.append(line)
            if len(row) != len(header):
                raise DataError(f"line {line}: expected {len(header)} fields, found {len(row)}", row=line)
            ts.append(_timestamp(row[positions["time"]], line))
            for column, target in zip(VALUE_COLUMNS, values, strict=True):
                target.append(_number(row[positions[column]], column, line))
    frame = BarFrame(symbol, _timeframe(ts, timeframe), np.array(ts, dtype=np.int64), *values, check=False)
    problem = find_problem(frame)
    if problem is not None:
        row, reason = problem
        if row is None:
            raise DataError(reason)
        if reason.startswith("timestamp ") and row > 0:
            reason = f"timestamp {_iso(frame.ts[row])} is not after the previous one ({_iso(frame.ts[row - 1])})"
        raise DataError(f"line {lines[row]}: {reason}", row=lines[row])
    return frame


def _iso(ns: int) -> str:
    """Epoch nanoseconds as ISO-8601 UTC, to the second unless there is more: 2024-01-02T14:30:00Z."""
    moment = datetime.fromtimestamp(int(ns) // 1_000_000_000, UTC)
    rest = int(ns) % 1_000_000_000
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{rest:09d}".rstrip("0") if rest else "") + "Z"


def _positions(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    positions: dict[str, int] = {}
    time_index = next((names.index(n) for n in TIME_COLUMNS if n in names), None)
    if time_index is not None:
        positions["time"] = time_index
    for column in VALUE_COLUMNS:
        if column in names:
            positions[column] = names.index(column)
    missing = [c for c in ("timestamp", *VALUE_COLUMNS) if (c if c != "timestamp" else "time") not in positions]
    if missing:
        raise DataError(f"missing columns {', '.join(missing)} (header: {', '.join(header)})")
    return positions


def _timestamp(text: str, line: int) -> int:
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value)
    except ValueError:
        raise DataError(f"line {line}: unreadable date {value!r}", row=line) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000)
    return seconds * 1000


def _number(text: str, column: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise DataError(f"line {line}: {column} is not a number ({text!r})", row=line)
    return value


def _timeframe(ts: list[int], given: str | None) -> str:
    if given:
        return str(parse_timeframe(given))
    if len(ts) < 2:
        return "1Day"
    gaps = np.diff(np.array(ts, dtype=np.int64))
    return str(infer_timeframe(float(np.median(gaps)) / 1e9))
