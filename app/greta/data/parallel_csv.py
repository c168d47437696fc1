"""A CSV file parsed by Arrow on every core, in order and in bounded memory.

Arrow's streaming reader parses and converts one block at a time on one thread (its `use_threads`
only reads ahead), while pandas.read_csv parses on two. Here the file is cut at line ends into
equal blocks, each parsed by its own single-threaded Arrow read on a pool of threads (Arrow lets go
of the GIL), never more than a block per thread ahead of the consumer.

Rows Arrow skips (the wrong number of fields) come with their line within the block; they are
passed on in file order with their line in the file: a block's lines are its rows plus its
skipped rows, which says where the next block starts.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv

EDGE_BYTES = 1 << 16  # read at a time when looking for the end of the line a block's edge falls in
SMALL_BLOCK_BYTES = 256 << 10  # below this a block costs more to hand over than to parse
MAX_WORKERS = 8  # each holds a block or two: memory grows with them, and the disk is read no faster


@dataclass(frozen=True)
class SkippedRow:
    """A row Arrow skipped, as its InvalidRow tells it; `number` is the row's line."""

    number: int
    text: str
    expected_columns: int
    actual_columns: int


@dataclass(frozen=True)
class _Block:
    batches: list[pa.RecordBatch]
    skipped: list[SkippedRow]  # numbered by line within the block, from 1

    @property
    def lines(self) -> int:
        return sum(b.num_rows for b in self.batches) + len(self.skipped)


class ParallelCsvReader:
    """The record batches of `path` from byte `start` (the start of line `first_line`) to its end,
    in order, like the reader pyarrow.csv.open_csv returns; `invalid_row` hears of each skipped row,
    in order and before the batch that follows it, with its line in the file."""

    def __init__(self, path: str, start: int, *, first_line: int, block_bytes: int, column_names: list[str],
                 parse_options: pcsv.ParseOptions, convert_options: pcsv.ConvertOptions,
                 invalid_row: Callable[[Any], str], workers: int | None = None):
        self._workers = workers or min(pa.cpu_count(), MAX_WORKERS)
        self._fd = os.open(path, os.O_RDONLY)
        self._size = os.fstat(self._fd).st_size
        self.invalid_row, self.block_bytes = invalid_row, block_bytes
        self._column_names, self._parse, self._convert = column_names, parse_options, convert_options
        self._edges = _edges(start, self._size, block_bytes, self._workers)
        self._line = first_line
        self._buffers = threading.local()
        self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="csv-block")
        self._pending: deque[Future[_Block]] = deque()
        self._ready: deque[pa.RecordBatch] = deque()
        for _ in range(self._workers + 1):  # each worker busy, and one block parsed ahead of the consumer
            self._submit()

    def read_next_batch(self) -> pa.RecordBatch:
        while not self._ready:
            if not self._pending:
                raise StopIteration
            block = self._pending.popleft().result()
            self._submit()
            for row in block.skipped:
                self.invalid_row(SkippedRow(self._line + row.number - 1, row.text, row.expected_columns,
                                            row.actual_columns))
            self._line += block.lines
            self._ready.extend(block.batches)
        return self._ready.popleft()

    def close(self) -> None:
        """Stop: blocks not begun are dropped, those being parsed are waited for (they read the file)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _submit(self) -> None:
        edge = next(self._edges, None)
        if edge is not None:
            self._pending.append(self._pool.submit(self._parse_block, *edge))

    def _parse_block(self, begin: int, end: int) -> _Block:
        start, stop = self._line_start(begin), self._line_start(end)
        if stop <= start:  # one line longer than a block: the block before has it
            return _Block([], [])
        data = self._read(start, stop - start)
        skipped: list[SkippedRow] = []

        def skip(row: Any) -> str:
            skipped.append(SkippedRow(row.number, row.text, row.expected_columns, row.actual_columns))
            return "skip"

        parse = self._parse
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(use_threads=False, block_size=len(data) + 1,
                                          column_names=self._column_names),
            parse_options=pcsv.ParseOptions(delimiter=parse.delimiter, quote_char=parse.quote_char,
                                            double_quote=parse.double_quote, escape_char=parse.escape_char,
                                            newlines_in_values=parse.newlines_in_values,
                                            ignore_empty_lines=parse.ignore_empty_lines, invalid_row_handler=skip),
            convert_options=self._convert,
        )
        return _Block(table.to_batches(), skipped)

    def _line_start(self, position: int) -> int:
        """The first line start at or after `position` (the file's end if none): where a block begins."""
        if position <= 0 or position >= self._size:
            return min(max(position, 0), self._size)
        at = position - 1  # a line starts at `position` if the byte before it ends a line
        while window := os.pread(self._fd, EDGE_BYTES, at):
            end = window.find(b"\n")
            if end >= 0:
                return at + end + 1
            at += len(window)
        return self._size

    def _read(self, start: int, count: int) -> memoryview:
        """The bytes, in this thread's own buffer, used again for its next block: fresh memory for
        every block cost more in page faults than Arrow took to parse it (Arrow copies what it keeps)."""
        buffer = getattr(self._buffers, "buffer", None)
        if buffer is None or len(buffer) < count:
            buffer = self._buffers.buffer = bytearray(count + EDGE_BYTES)  # blocks are alike, give or take a line
        view, done = memoryview(buffer), 0
        while done < count:  # a short read: a signal came, or the file ended early (it shrank)
            read = os.preadv(self._fd, [view[done:count]], start + done)
            if read == 0:
                break
            done += read
        return view[:done]


def _edges(start: int, end: int, block_bytes: int, workers: int) -> Iterator[tuple[int, int]]:
    """Blocks of at most `block_bytes` (give or take a line), as many as a multiple of the workers so
    that none idles while another parses the last one, and a small file in a couple a worker (but
    none under SMALL_BLOCK_BYTES) so that it too is read on every core."""
    total = end - start
    if total <= 0:
        return iter(())
    count = max(-(-total // block_bytes), min(2 * workers, -(-total // SMALL_BLOCK_BYTES)))
    count = -(-count // workers) * workers
    size = -(-total // count)
    return ((begin, min(begin + size, end)) for begin in range(start, end, size))
