"""The one CSV bar reader: `weaver backtest --data`, `weaver bars import` and the API upload use it.

pyarrow's streaming reader splits the file into record batches of a few MB, so memory stays flat
however large the file; every batch is checked (app/greta/data/bar_checks.py) and only its good
rows come out, each with its physical line in the file. Headers (case-insensitive):
`timestamp|date|datetime|time|ts|t, open, high, low, close, volume`; other columns (Yahoo's `Adj
Close`) are ignored. Times are UTC: ISO dates or date-times (a `Z` or an offset is honoured) or
epoch seconds. Blank lines are skipped but still counted, so a line number is the editor's.

Greta's pass over a file on disk (typed: Arrow converts numbers and times) goes through
app/greta/data/parallel_csv.py, which parses the file's blocks on every core; Arrow's own streaming
reader parses on one whatever `use_threads` says. Anything it can't convert sends the reader to the
text pass, which checks every value itself and names it as written.

Line numbers: Arrow's streaming reader reports the line of a row with the wrong number of fields
only when it parses on one thread, so it parses on several and, the first time such a row appears,
reads again on one thread from where it was (a bad file costs a second read; a good one does not).
The parallel reader parses each block on one thread and so knows every line. A batch's lines are
worked out only when asked for (`Lines`): a file without a bad row never pays for them.
"""

from __future__ import annotations

import csv
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from app.greta.data.bar_checks import NO_PREVIOUS, PRICE_COLUMNS, VALUE_COLUMNS, check_batch, is_epoch
from app.greta.data.parallel_csv import ParallelCsvReader
from app.marvin.bars import DataError

TIME_COLUMNS = ("timestamp", "date", "datetime", "time", "ts", "t")
MAX_REPORTED = 200
BLOCK_BYTES = 4 << 20  # about 80,000 bars a batch
NOT_UTF8 = "the file is not UTF-8 text"


class CsvFileError(DataError):
    """The file as a whole can't be read (empty, missing columns, not UTF-8): no row is good."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(f"line {line}: {reason}" if line else reason, row=line)
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


class Lines:
    """The physical lines of a batch's rows, worked out when first asked for (a bad row's message,
    an import's error list): a batch of good rows read for Greta never needs them."""

    def __init__(self, make: Callable[[], np.ndarray]):
        self._make: Callable[[], np.ndarray] | None = make
        self._array: np.ndarray | None = None

    @classmethod
    def of(cls, array: np.ndarray) -> Lines:
        lines = cls(lambda: array)
        lines._array, lines._make = array, None
        return lines

    @property
    def array(self) -> np.ndarray:
        if self._array is None:
            self._array = self._make()  # type: ignore[misc]
            self._make = None
        return self._array


@dataclass(frozen=True)
class BarBatch:
    """Good rows of one batch: float64 values for Greta, the text as written for exact storage."""

    line_numbers: Lines
    ts: np.ndarray  # int64 epoch ns, UTC, strictly increasing across the file
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    texts: tuple[pa.Array, ...]  # open, high, low, close, volume

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def lines(self) -> np.ndarray:
        return self.line_numbers.array

    def text_columns(self) -> list[list[str]]:
        return [column.to_pylist() for column in self.texts]


class ErrorLog:
    """How many rows were bad, and the first `limit` of them by line, in bounded memory."""

    def __init__(self, limit: int = MAX_REPORTED):
        self.limit, self.count, self._kept = limit, 0, []  # type: ignore[var-annotated]

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        self._kept.append(RowError(line, reason))
        if len(self._kept) > 4 * self.limit:
            self._kept = self.errors

    @property
    def errors(self) -> list[RowError]:
        return sorted(self._kept, key=lambda e: e.line)[: self.limit]


class BarCsvReader:
    """Iterate for batches of good rows; afterwards `rows`, `good` and `errors` describe the file.

    `source` is a path or a seekable binary file (read from where it stands); `on_bytes` hears how
    many bytes have been read so far. Each iteration reads the file again from the start."""

    def __init__(self, source: str | Path | IO[bytes], *, on_bytes: Callable[[int], None] | None = None,
                 exact: bool = True, block_bytes: int = BLOCK_BYTES, threads: bool = True):
        self.source, self.on_bytes, self.block_bytes = source, on_bytes, block_bytes
        self._path = str(source) if isinstance(source, str | Path) else None
        self.start = 0 if self._path else source.tell()  # type: ignore[union-attr]
        # Arrow converts numbers itself when the text is not needed (Greta): twice as fast; the
        # first value it can't convert sends the reader back to text, where every row is checked.
        self._modes = list(dict.fromkeys([*([_Mode(True, threads)] if not exact else []), _Mode(False, threads),
                                          _Mode(False, False)]))
        self.rows = self.good = 0
        self.errors = ErrorLog()
        self.volume_missing = False  # the file has no volume column (known once iterated)
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[BarBatch]:
        try:
            yield from self._batches()
        except CsvFileError as exc:
            if exc.line is not None or exc.reason != NOT_UTF8:
                raise
            with self._opened() as file:
                raise CsvFileError(NOT_UTF8, undecodable_line(file, self.start)) from None

    def _batches(self) -> Iterator[BarBatch]:
        self.rows = self.good = 0
        self.errors = ErrorLog()
        self._last_ts, self._epoch, self._skipped_through = NO_PREVIOUS, None, 0
        with self._opened() as file, _quiet_undecodable_rows():
            file.seek(self.start)
            first = file.readline()
            names = _header(first)
            data_start = file.tell()
            columns = _columns(names)
            self.volume_missing = len(columns) == len(PRICE_COLUMNS) + 1
            self._epoch, zoned = _first_time(file, columns[0])
            handled = 0  # Arrow rows already checked, kept when the reader changes mode
            modes = list(self._modes)
            while modes:
                mode = modes.pop(0)
                lines = _LineCounter()
                # Each pass gets its own stream: an abandoned Arrow reader may still be reading ahead.
                parallel = mode.typed and mode.threads and self._path and not self.on_bytes and _one_line(first)
                # A file on disk is read by Arrow itself, never through a Python object: an Arrow thread
                # still reading ahead inside Python code when the process exits after an error aborts it
                # ("terminate called without an active exception", SIGABRT). Its progress is told here.
                stream = (_Counted(file, self.start, self.on_bytes, self._lock) if not self._path
                          else pa.OSFile(self._path) if not parallel else None)
                told = self.on_bytes if self._path and stream is not None else None
                reader: ParallelCsvReader | pcsv.CSVStreamingReader | None = None
                try:
                    reader = (self._parallel(data_start, len(names), columns, zoned, lines) if parallel
                              else self._arrow(stream, len(names), columns, mode, zoned, lines))
                    while (batch := _next(reader, mode.typed)) is not None:
                        if told is not None:
                            told(stream.tell())
                        if lines.unnumbered:  # a row with the wrong number of fields, and no line for it
                            modes = [m for m in modes if not m.typed and not m.threads]
                            break
                        numbers = lines.number(batch.num_rows)
                        skip = handled - numbers.offset
                        if skip >= batch.num_rows:
                            continue
                        line_numbers = numbers.lines
                        if skip > 0:
                            batch, line_numbers = batch.slice(skip), Lines.of(line_numbers.array[skip:])
                        handled = numbers.offset + numbers.count
                        self._add_skipped(lines)
                        found = self._check(batch, line_numbers)
                        if found is not None:
                            yield found
                    else:
                        if told is not None:
                            told(stream.size())
                        self._add_skipped(lines)
                        return
                except _Unconverted:
                    continue
                finally:
                    if reader is not None:  # stops Arrow's read-ahead threads: one left running when the
                        reader.close()      # process exits after an error aborts it (SIGABRT, seen under load)
                    if stream is not None:
                        stream.close()

    def _add_skipped(self, lines: _LineCounter) -> None:
        """Rows Arrow skipped for their field count; a pass after a change of mode hears again of
        those before where it resumed, which are already counted."""
        for line, reason in lines.take_errors():
            if line > self._skipped_through:
                self.errors.add(line, reason)
                self.rows += 1
                self._skipped_through = line

    def _check(self, batch: pa.RecordBatch, lines: Lines) -> BarBatch | None:
        texts = batch.columns
        if texts[1].type == pa.string() and pc.any(pc.equal(texts[1], "")).as_py():
            # blank lines come through as rows of empty fields
            blank = np.logical_and.reduce([pc.equal(t, "").to_numpy(zero_copy_only=False) for t in texts])
            if blank.any():
                keep = pa.array(~blank)
                texts, lines = [pc.filter(t, keep) for t in texts], Lines.of(lines.array[~blank])
        if len(texts[0]) == 0:
            return None
        if self.volume_missing:  # no volume column: every bar's volume is 0 (said by `volume_missing`)
            rows = len(texts[0])
            texts = [*texts, pa.array(np.zeros(rows)) if texts[1].type == pa.float64()
                     else pa.array(["0"] * rows, pa.string())]
        checked = check_batch(texts[0], list(texts[1:]), epoch=bool(self._epoch), last_ts=self._last_ts,
                              limit=MAX_REPORTED)
        self._last_ts = int(checked.last_ts)
        self.rows += len(texts[0])
        for row, reason in checked.reasons:
            self.errors.add(int(lines.array[row]), reason)
        bad_count = int(checked.bad.sum())
        self.errors.count += bad_count - len(checked.reasons)
        values, text_columns = checked.values, checked.texts
        ts = checked.ts
        if bad_count:
            good = ~checked.bad
            keep = pa.array(good)
            values, text_columns = tuple(v[good] for v in values), tuple(pc.filter(t, keep) for t in text_columns)
            ts, lines = ts[good], Lines.of(lines.array[good])
        self.good += len(ts)
        return BarBatch(lines, ts, *values, texts=text_columns) if len(ts) else None

    def _arrow(self, stream: Any, width: int, columns: list[int], mode: _Mode, zoned: bool,
               lines: _LineCounter) -> pcsv.CSVStreamingReader:
        try:
            return pcsv.open_csv(
                stream,
                read_options=pcsv.ReadOptions(use_threads=mode.threads, block_size=self.block_bytes,
                                              column_names=_names(width), skip_rows=1),
                parse_options=pcsv.ParseOptions(invalid_row_handler=lines.invalid_row, ignore_empty_lines=False),
                convert_options=self._conversion(width, columns, mode.typed, zoned),
            )
        except pa.ArrowInvalid as exc:
            if mode.typed:
                raise _Unconverted from None
            raise _file_error(exc) from None

    def _parallel(self, data_start: int, width: int, columns: list[int], zoned: bool,
                  lines: _LineCounter) -> ParallelCsvReader:
        """The typed pass over a file on disk: its blocks parsed on every core (Arrow's own reader
        parses on one), each single-threaded, so a skipped row still has its line. Quotes are not
        looked for (a tenth faster): a quoted number or time can't be converted and a quoted comma
        makes a row Arrow skips, and either sends the reader back to the text pass, which reads them."""

        def skipped(row: Any) -> str:
            if '"' in row.text:
                raise _Unconverted
            return lines.invalid_row(row)

        return ParallelCsvReader(
            str(self._path), data_start, first_line=2, block_bytes=self.block_bytes, column_names=_names(width),
            parse_options=pcsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=self._conversion(width, columns, True, zoned), invalid_row=skipped)

    def _conversion(self, width: int, columns: list[int], typed: bool, zoned: bool) -> pcsv.ConvertOptions:
        names = _names(width)
        wanted = [names[i] for i in columns]
        types = dict.fromkeys(wanted, pa.float64() if typed else pa.string())
        if typed and not self._epoch:
            types[wanted[0]] = pa.timestamp("ns", "UTC") if zoned else pa.timestamp("ns")
        return pcsv.ConvertOptions(include_columns=wanted, column_types=types, null_values=[],
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)

    @contextmanager
    def _opened(self) -> Iterator[IO[bytes]]:
        if isinstance(self.source, str | Path):
            with Path(self.source).open("rb") as file:
                yield file
        else:
            yield self.source


@dataclass(frozen=True)
class _Mode:
    typed: bool  # Arrow converts the numbers and times (no text kept)
    threads: bool  # Arrow parses on several threads (no line numbers for rows it skips)


class _Unconverted(Exception):
    """Arrow met a value it could not convert: read that part again as text."""


@dataclass(frozen=True)
class _Numbered:
    offset: int  # Arrow rows before this batch
    count: int
    lines: Lines


class _LineCounter:
    """Physical lines of Arrow's rows: row k sits on line k + 2 plus the rows Arrow skipped before it
    (wrong number of fields, or only spaces), which the invalid-row handler hears about in order."""

    def __init__(self) -> None:
        self.unnumbered = False
        self.skipped = 0
        self.delivered = 0
        self.behind = 0  # skipped rows before the next batch
        self._ahead: deque[int] = deque()  # for each skipped row not yet passed: Arrow rows before it
        self._errors: list[tuple[int, str]] = []

    def invalid_row(self, row: Any) -> str:
        if row.number is None:
            self.unnumbered = True
            return "skip"
        self._ahead.append(row.number - 2 - self.skipped)
        self.skipped += 1
        if row.text.strip():
            self._errors.append((row.number, f"expected {row.expected_columns} fields, found {row.actual_columns}"))
        return "skip"

    def number(self, count: int) -> _Numbered:
        first, behind = self.delivered, self.behind
        passed = []
        while self._ahead and self._ahead[0] < first + count:
            passed.append(self._ahead.popleft())

        def lines() -> np.ndarray:
            numbers = np.arange(first + 2 + behind, first + 2 + behind + count, dtype=np.int64)
            if passed:
                numbers += np.searchsorted(np.array(passed, dtype=np.int64), numbers - 2 - behind, side="right")
            return numbers

        self.behind += len(passed)
        self.delivered += count
        return _Numbered(first, count, Lines(lines))

    def take_errors(self) -> list[tuple[int, str]]:
        errors, self._errors = self._errors, []
        return errors


class _Counted:
    """The file as Arrow reads it from `start`, reporting the bytes read so far. It keeps its own
    position, so two of them (one abandoned, still reading ahead) never move each other's: a real
    file is read with pread (no shared position, no lock, which under gevent would be a green one
    taken from Arrow's threads); an in-memory one under a lock."""

    def __init__(self, file: IO[bytes], start: int, on_bytes: Callable[[int], None] | None, lock: threading.Lock):
        self.file, self.position, self.on_bytes, self.lock = file, start, on_bytes, lock
        self.read_bytes = 0
        self.closed = False
        try:
            self.fd: int | None = file.fileno()
        except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is an OSError
            self.fd = None

    def read(self, size: int = -1) -> bytes:
        if self.closed:
            return b""
        if self.fd is not None:
            data = os.pread(self.fd, size if size >= 0 else max(os.fstat(self.fd).st_size - self.position, 0),
                            self.position)
        else:
            with self.lock:
                self.file.seek(self.position)
                data = self.file.read(size)
        self.position += len(data)
        self.read_bytes += len(data)
        if self.on_bytes is not None:
            self.on_bytes(self.read_bytes)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True


def _next(reader: pcsv.CSVStreamingReader, typed: bool) -> pa.RecordBatch | None:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None
    except pa.ArrowInvalid as exc:
        if typed:
            raise _Unconverted from None
        raise _file_error(exc) from None


def _first_time(file: IO[bytes], column: int) -> tuple[bool, bool]:
    """Whether the file's times are epoch seconds, and whether ISO times carry a zone, from the first
    row with a time (a peek: the file is read again from the start)."""
    for _ in range(100):
        line = file.readline()
        if not line:
            break
        fields = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r\n")]), [])
        if column < len(fields) and fields[column].strip():
            text = fields[column].strip()
            return is_epoch(text), text.endswith("Z") or len(text) > 10 and text[-6] in "+-"
    return False, False


def undecodable_line(file: IO[bytes], start: int, chunk_bytes: int = 1 << 20) -> int | None:
    """The line (1: the header) holding the first byte that is not UTF-8, read again from `start` a
    chunk at a time (Arrow says only that the file is not UTF-8, not where)."""
    file.seek(start)
    newlines, carry = 0, b""
    while True:
        chunk = file.read(chunk_bytes)
        data = carry + chunk
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if chunk and exc.reason == "unexpected end of data":  # a character cut by the chunk's end
                newlines += data.count(b"\n", 0, exc.start)
                carry = data[exc.start:]
                continue
            return newlines + data.count(b"\n", 0, exc.start) + 1
        if not chunk:
            return None
        newlines += data.count(b"\n")
        carry = b""


def _file_error(exc: Exception) -> CsvFileError:
    message = str(exc)
    if "UTF8" in message or "UTF-8" in message or "\ufffd" in message:  # \ufffd: a row Arrow could not decode
        return CsvFileError(NOT_UTF8)
    return CsvFileError(f"unreadable CSV ({message.splitlines()[0]})")


@contextmanager
def _quiet_undecodable_rows() -> Iterator[None]:
    """Arrow decodes a skipped row's text for the handler and, when that fails, prints the error as
    'Exception ignored' before failing the read; the reader reports it as 'not UTF-8' instead."""
    previous = sys.unraisablehook

    def hook(report: Any) -> None:
        if not isinstance(report.exc_value, UnicodeDecodeError):
            previous(report)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _one_line(header: bytes) -> bool:
    """Whether Arrow, which also ends a line at a lone CR, sees the header as the one line Python read."""
    return b"\r" not in header.rstrip(b"\r\n") and header.endswith(b"\n")


def _header(first: bytes) -> list[str]:
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(NOT_UTF8) from None
    if not text.strip():
        raise CsvFileError("the file is empty: expected a header line", 1)
    return next(csv.reader([text.rstrip("\r\n")]))


def _columns(header: list[str]) -> list[int]:
    """Positions of the time column and open … volume (volume left out when the file has none: its bars
    then trade with a volume of 0, as backtesting.py takes OHLC alone; trial 39). A first column without a
    name is the time: pandas writes an unnamed index so (`df.to_csv(path)`)."""
    names = [name.strip().lower() for name in header]
    time_index = next((names.index(n) for n in TIME_COLUMNS if n in names), None)
    if time_index is None and len(names) > 1 and names[0] == "":
        time_index = 0
    missing = [] if time_index is not None else ["timestamp (or date)"]
    missing += [c for c in PRICE_COLUMNS if c not in names]
    if missing:
        raise CsvFileError(f"missing column(s): {', '.join(missing)} (header: {','.join(header)})", 1)
    wanted = VALUE_COLUMNS if "volume" in names else PRICE_COLUMNS
    return [time_index, *(names.index(c) for c in wanted)]  # type: ignore[list-item]
