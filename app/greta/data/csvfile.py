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
NO_BARS = "the file holds no bars, only a header: nothing to backtest"  # as `weaver bars import` words it
GAP_CHUNK = 1 << 16
COLUMNS = (("ts", np.int64), ("open", np.float64), ("high", np.float64), ("low", np.float64),
           ("close", np.float64), ("volume", np.float64))


NO_VOLUME = "the file has no volume column: every bar's volume reads 0"


def load_csv(path: str | Path, symbol: str | None = None, timeframe: str | None = None,
             notes: list[str] | None = None) -> BarFrame:
    """Bars from `path`; the symbol defaults to the file name (GOOG.csv → GOOG), the timeframe to the
    one closest to the typical gap between rows. `notes` hears what the caller should say of the file
    (no volume column)."""
    path = Path(path)
    reader = BarCsvReader(path, exact=False)  # Greta needs the numbers, not the text
    columns = _Columns(path, GapMedian() if not timeframe else None)
    for batch in reader:
        columns.add(batch)
    if reader.errors.count:
        first, *others = reader.errors.errors
        more = reader.errors.count - 1
        listed = ", ".join(str(e.line) for e in others[: SHOWN_LINES - 1])
        suffix = f" (and {more} more bad row(s): line {listed}{', …' if more > len(others[:SHOWN_LINES - 1]) else ''})"
        raise DataError(f"line {first.line}: {first.reason}" + (suffix if more else ""), row=first.line)
    if not columns.count:
        raise DataError(NO_BARS)
    if reader.volume_missing and notes is not None:
        notes.append(NO_VOLUME)
    arrays = columns.arrays()
    return BarFrame((symbol or path.stem).upper(), _timeframe(arrays[0], timeframe, columns.gaps), *arrays,
                    check=False)


class _Columns:
    """The good rows' columns, filled batch by batch as the reader hands them over (while it parses
    the next blocks) rather than joined at the end: one copy, overlapped, and batches freed early."""

    def __init__(self, path: Path, gaps: GapMedian | None):
        self.count, self.gaps = 0, gaps
        rows = _likely_rows(path)
        self._arrays = [np.empty(rows, dtype) for _, dtype in COLUMNS]

    def add(self, batch: BarBatch) -> None:
        end = self.count + len(batch)
        if end > len(self._arrays[0]):
            capacity = max(end, len(self._arrays[0]) * 3 // 2)
            self._arrays = [np.concatenate([array[: self.count], np.empty(capacity - self.count, array.dtype)])
                            for array in self._arrays]
        for array, (name, _) in zip(self._arrays, COLUMNS, strict=True):
            array[self.count : end] = getattr(batch, name)
        self.count = end
        if self.gaps is not None:
            self.gaps.add(self._arrays[0], end)

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


class GapMedian:
    """np.median(np.diff(ts)) exactly, counted as the times arrive instead of sorted at the end: the
    median of the first thousand gaps is checked against every gap (two counts, a piece at a time
    in cache), which for bars at a regular spacing settles it; otherwise numpy's median decides."""

    def __init__(self) -> None:
        self.guess: np.int64 | None = None
        self.below = self.up_to = 0
        self._done = 1  # ts[i] - ts[i - 1] is counted for 0 < i < _done
        self._gaps = np.empty(GAP_CHUNK, dtype=np.int64)

    def add(self, ts: np.ndarray, end: int) -> None:
        """Count the gaps up to ts[end - 1]; the times before were given before."""
        if self.guess is None:
            if end < 2:
                return
            sample = np.diff(ts[: min(end, 1000)])
            self.guess = np.partition(sample, len(sample) // 2)[len(sample) // 2]
        for start in range(self._done, end, GAP_CHUNK):
            stop = min(start + GAP_CHUNK, end)
            gaps = np.subtract(ts[start:stop], ts[start - 1 : stop - 1], out=self._gaps[: stop - start])
            self.below += int(np.count_nonzero(gaps < self.guess))
            self.up_to += int(np.count_nonzero(gaps <= self.guess))
        self._done = max(self._done, end)

    def value(self, ts: np.ndarray) -> float:
        count = len(ts) - 1
        if self.guess is not None and self.below <= (count - 1) // 2 and count // 2 < self.up_to:
            return float(self.guess)  # both middle gaps are the guess
        return float(np.median(np.diff(ts)))


def median_gap(ts: np.ndarray) -> float:
    gaps = GapMedian()
    gaps.add(ts, len(ts))
    return gaps.value(ts)


def _timeframe(ts: np.ndarray, given: str | None, gaps: GapMedian | None) -> str:
    if given or gaps is None:
        return str(parse_timeframe(given))
    if len(ts) < 2:
        return "1Day"
    return str(infer_timeframe(gaps.value(ts) / 1e9))
