"""Load one symbol's bars from a CSV file for `weaver backtest --data`, through the shared reader.

Yahoo-style (`Date,Open,High,Low,Close,Adj Close,Volume`; the raw Close is used, never Adj Close)
and plain (`timestamp,open,high,low,close,volume`) files are read by app/greta/data/bar_csv.py. A
file with any bad row is refused with a DataError naming its line (the header is line 1), never
repaired.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.clock.timeframes import infer_timeframe, parse_timeframe
from app.greta.data.bar_csv import BarCsvReader
from app.marvin.bars import BarFrame, DataError

SHOWN_LINES = 5


def load_csv(path: str | Path, symbol: str | None = None, timeframe: str | None = None) -> BarFrame:
    """Bars from `path`; the symbol defaults to the file name (GOOG.csv → GOOG), the timeframe to the
    one closest to the typical gap between rows."""
    path = Path(path)
    reader = BarCsvReader(path, exact=False)  # Greta needs the numbers, not the text
    batches = list(reader)
    if reader.errors.count:
        first, *others = reader.errors.errors
        more = reader.errors.count - 1
        listed = ", ".join(str(e.line) for e in others[: SHOWN_LINES - 1])
        suffix = f" (and {more} more bad row(s): line {listed}{', …' if more > len(others[:SHOWN_LINES - 1]) else ''})"
        raise DataError(f"line {first.line}: {first.reason}" + (suffix if more else ""), row=first.line)
    columns = [np.concatenate([getattr(b, name) for b in batches]) if batches else np.empty(0, dtype)
               for name, dtype in (("ts", np.int64), ("open", float), ("high", float), ("low", float),
                                   ("close", float), ("volume", float))]
    return BarFrame((symbol or path.stem).upper(), _timeframe(columns[0], timeframe), *columns, check=False)


def _timeframe(ts: np.ndarray, given: str | None) -> str:
    if given:
        return str(parse_timeframe(given))
    if len(ts) < 2:
        return "1Day"
    return str(infer_timeframe(float(np.median(np.diff(ts))) / 1e9))
