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
from app.greta.data.bar_csv import BarBatch, BarCsvReader
from app.marvin.bars import BarFrame, DataError

SHOWN_LINES = 5
COLUMNS = (("ts", np.int64), ("open", np.float64), ("high", np.float64), ("low", np.float64),
           ("close", np.float64), ("volume", np.float64))


def load_csv(path: str | Path, symbol: str | None = None, timeframe: str | None = None) -> BarFrame:
    """Bars from `path`; the symbol defaults to the file name (GOOG.csv → GOOG), the timeframe to the
    one closest to the typical gap between rows."""
    path = Path(path)
    reader = BarCsvReader(path, exact=False)  # Greta needs the numbers, not the text
    columns = _Columns(path)
    for batch in reader:
        columns.add(batch)
    if reader.errors.count:
        first, *others = reader.errors.errors
        more = reader.errors.count - 1
        listed = ", ".join(str(e.line) for e in others[: SHOWN_LINES - 1])
        suffix = f" (and {more} more bad row(s): line {listed}{', …' if more > len(others[:SHOWN_LINES - 1]) else ''})"
        raise DataError(f"line {first.line}: {first.reason}" + (suffix if more else ""), row=first.line)
    arrays = columns.arrays()
    return BarFrame((symbol or path.stem).upper(), _timeframe(arrays[0], timeframe), *arrays, check=False)


class _Columns:
    """The good rows' columns, filled batch by batch as the reader hands them over (while it parses
    the next blocks) rather than joined at the end: one copy, overlapped, and batches freed early."""

    def __init__(self, path: Path):
        self.count = 0
        self._arrays = [np.empty(_likely_rows(path), dtype) for _, dtype in COLUMNS]

    def add(self, batch: BarBatch) -> None:
        end = self.count + len(batch)
        if end > len(self._arrays[0]):
            capacity = max(end, len(self._arrays[0]) * 3 // 2)
            self._arrays = [np.concatenate([array[: self.count], np.empty(capacity - self.count, array.dtype)])
                            for array in self._arrays]
        for array, (name, _) in zip(self._arrays, COLUMNS, strict=True):
            array[self.count : end] = getattr(batch, name)
        self.count = end

    def arrays(self) -> list[np.ndarray]:
        return [array[: self.count] for array in self._arrays]


def _likely_rows(path: Path) -> int:
    """Rows the file may hold, from the length of its first lines, with a quarter to spare: memory
    never written to is never taken, so too many costs nothing and too few a copy."""
    with path.open("rb") as file:
        sample = file.read(1 << 16)
    lines = sample.count(b"\n")
    if lines < 2 or len(sample) < (1 << 16):
        return max(lines + 1, 1024)
    return int(path.stat().st_size * lines / len(sample) * 1.25) + 1024


def median_gap(ts: np.ndarray) -> float:
    """np.median(np.diff(ts)), exactly, usually without sorting: the median of a sample is checked
    against every gap (two counts), which for bars at a regular spacing settles it."""
    gaps = np.diff(ts)
    sample = gaps[:: max(len(gaps) // 999, 1)]
    guess = np.partition(sample, len(sample) // 2)[len(sample) // 2]
    below, up_to = np.count_nonzero(gaps < guess), np.count_nonzero(gaps <= guess)
    if below <= (len(gaps) - 1) // 2 and len(gaps) // 2 < up_to:  # both middle gaps are the guess
        return float(guess)
    return float(np.median(gaps))


def _timeframe(ts: np.ndarray, given: str | None) -> str:
    if given:
        return str(parse_timeframe(given))
    if len(ts) < 2:
        return "1Day"
    return str(infer_timeframe(median_gap(ts) / 1e9))
