"""A CSV of bars into the database in two streaming passes, so a file of any size fits in memory.

Pass one reads and checks every row (app/greta/data/bar_csv.py) and learns what the file holds:
the spacing of its bars (its timeframe) and any jump that looks like a split. A file with a bad
row stops there, unless the good rows are wanted. Pass two reads it again and writes each batch of
good rows in one transaction, so an import is all or nothing. Neither pass holds more than a batch.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from app.greta.data.bar_csv import BarBatch, BarCsvReader, CsvFileError, RowError
from app.greta.data.splits import SplitSuspect, find_split_suspects
from app.services.errors import ValidationFailed
from app.walle.repositories.bar_conflicts import BarConflicts
from app.walle.uow import UnitOfWork

Progress = Callable[[int, int], None]  # (rows stored, rows to store); first called with 0 before any is written
Source = str | Path | IO[bytes]
MAX_SUSPECTS = 100
# Arrow reads a few dozen blocks ahead: 256 kB blocks keep an import's reading to ~20 MB however
# large the file (Greta, which holds every bar anyway, reads 4 MB blocks).
BLOCK_BYTES = 256 << 10
WRITE_ROWS = 10_000


class ImportRejected(ValidationFailed):
    """A file with bad rows: nothing was stored; `errors` lists them by line number."""

    def __init__(self, errors: list[RowError], error_count: int):
        first = errors[0]
        summary = f"{error_count} bad row(s); first: line {first.line}: {first.reason}"
        super().__init__({"file": summary}, message=f"nothing was imported: {summary}")
        self.details["errors"] = [{"line": e.line, "reason": e.reason} for e in errors]
        self.details["error_count"] = error_count
        self.errors, self.error_count = errors, error_count


@dataclass
class FileSurvey:
    """What pass one learnt: rows, errors, the typical gap between bars and suspected splits."""

    rows: int = 0
    good: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    median_gap_seconds: float | None = None
    suspects: list[SplitSuspect] = field(default_factory=list)
    volume_missing: bool = False  # no volume column: stored as 0


def survey(source: Source, *, on_bytes: Callable[[int], None] | None = None) -> FileSurvey:
    """Pass one: read and check every row. Raises ValidationFailed for a file that is not a CSV of
    bars at all (empty, no such columns, not UTF-8)."""
    reader = _reader(source, on_bytes)
    gaps, splits = _Gaps(), _Splits()
    try:
        for batch in reader:
            gaps.add(batch.ts)
            splits.add(batch)
            take_turns()
    except CsvFileError as exc:
        raise _rejected(exc) from None
    return FileSurvey(reader.rows, reader.good, reader.errors.count, reader.errors.errors, gaps.median(),
                      splits.found, reader.volume_missing)


def store(source: Source, uow: Callable[[], UnitOfWork], symbol: str, timeframe: str, total: int, *,
          source_label: str, progress: Progress | None = None, conflicts: BarConflicts | None = None) -> int:
    """Pass two: the file's good rows in one transaction, a batch at a time. Returns how many were new;
    `conflicts` hears of rows whose time is stored with other prices (the stored bars are kept)."""
    inserted = done = 0
    if progress:
        progress(0, total)
    with uow() as unit:
        def write(ts: list[np.ndarray], texts: list[list[str]]) -> None:
            nonlocal inserted, done
            inserted += unit.bars.insert_columns(symbol, timeframe, np.concatenate(ts), *texts, source=source_label,
                                                conflicts=conflicts)
            done += sum(len(t) for t in ts)
            if progress:
                progress(done, total)

        pending_ts: list[np.ndarray] = []
        pending_texts: list[list[str]] = [[] for _ in range(5)]
        try:
            for batch in _reader(source, None):
                pending_ts.append(batch.ts)
                for column, text in zip(pending_texts, batch.text_columns(), strict=True):
                    column.extend(text)
                if len(pending_texts[0]) >= WRITE_ROWS:  # one COPY per ~50,000 rows, not per small batch
                    write(pending_ts, pending_texts)
                    pending_ts, pending_texts = [], [[] for _ in range(5)]
                take_turns()
        except CsvFileError as exc:  # the file changed between the passes
            raise _rejected(exc) from None
        if pending_ts:
            write(pending_ts, pending_texts)
        if total == 0:
            unit.bars.series_id(symbol, timeframe, source=source_label)
        unit.outbox.emit("bars.imported", {"symbol": symbol, "timeframe": timeframe, "rows": inserted,
                                           "source": source_label})
        unit.commit()
    return inserted


def take_turns() -> None:
    """Between batches, let the process's other requests run: under gevent (`weaver web`) a request
    holds its worker until it waits, and a gigabyte import would otherwise hold it for minutes."""
    time.sleep(0)


def _reader(source: Source, on_bytes: Callable[[int], None] | None) -> BarCsvReader:
    if not isinstance(source, str | Path):
        source.seek(0)
    return BarCsvReader(source, on_bytes=on_bytes, block_bytes=BLOCK_BYTES)


def _rejected(exc: CsvFileError) -> ValidationFailed:
    if exc.line is not None:
        return ImportRejected([RowError(exc.line, exc.reason)], 1)
    return ValidationFailed({"file": exc.reason}, message=exc.reason)


class _Gaps:
    """Counts of the gaps between consecutive bars: few distinct values, so the exact median of
    millions of gaps costs a dictionary."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.last: int | None = None

    def add(self, ts: np.ndarray) -> None:
        joined = ts if self.last is None else np.concatenate([[self.last], ts])
        values, counts = np.unique(np.diff(joined), return_counts=True)
        self.counts.update(dict(zip(values.tolist(), counts.tolist(), strict=True)))
        self.last = int(ts[-1])

    def median(self) -> float | None:
        """Seconds, as numpy's median of all the gaps would give."""
        total = sum(self.counts.values())
        if total == 0:
            return None
        wanted, seen, picks = sorted({(total - 1) // 2, total // 2}), 0, []
        for gap in sorted(self.counts):
            seen += self.counts[gap]
            while wanted and wanted[0] < seen:
                picks.append(gap)
                wanted.pop(0)
        return sum(picks) / len(picks) / 1e9


class _Splits:
    """Suspected splits across the whole file, batch by batch (the last bar carried over)."""

    def __init__(self) -> None:
        self.found: list[SplitSuspect] = []
        self.last: tuple[int, float, float] | None = None

    def add(self, batch: BarBatch) -> None:
        ts, opens, closes = batch.ts, batch.open, batch.close
        if self.last is not None:
            ts, opens, closes = (np.concatenate([[carried], now]) for carried, now in
                                 zip(self.last, (ts, opens, closes), strict=True))
        if len(self.found) < MAX_SUSPECTS:
            self.found += find_split_suspects(ts, opens, closes)[: MAX_SUSPECTS - len(self.found)]
        self.last = (int(batch.ts[-1]), float(batch.open[-1]), float(batch.close[-1]))
