"""Bar blocks (Postgres): each series' bars kept a second time as columns, the arrays a backtest reads.

Prices are NUMERIC for exactness, and Postgres casts NUMERIC to float8 through text, which costs more
than the engine's run over the bars. So the cast is paid once, when bars are stored: a block holds up
to BLOCK_BARS bars of one series as little-endian byte columns (ts: int64 epoch nanoseconds; prices
and volume: float64), made by the same cast query a read did before blocks (so the arrays are the
same to the bit), and a read fetches bytes and views them with numpy.

Blocks are derived data, kept in step by the one writer of bars, `BarRepository.insert_columns`, in
the same transaction as the bars (and under a lock per series): it notes the time range it wrote in
each block (`Pending`), and at commit, or before a read in the same transaction, the bars in that
range are cast again and spliced into the block. A splice puts in the range whatever the bars table
holds there, so a write rolled back to a savepoint leaves no trace in the blocks either. Bars written
any other way (by hand in SQL) are not in the blocks until `rebuild` runs for their series. A
block's number is its time slot, `epoch µs // span_us(timeframe)`, so the blocks a window needs are
known before reading them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from app.clock.timeframes import TimeframeError, parse_timeframe

BLOCK_BARS = 65_536
COLUMNS = ("ts", "open", "high", "low", "close", "volume")
PRICES = COLUMNS[1:]
Columns = tuple[np.ndarray, ...]  # ts (int64 epoch ns), open, high, low, close, volume (float64)
_DTYPES = ("<i8",) + ("<f8",) * 5  # as stored
_NATIVE = (np.int64,) + (np.float64,) * 5  # as handed out
_LOCK_CLASS = 0x0BA5_B10C  # pg_advisory_xact_lock(class, series id): one writer of a series' blocks at a time

# `array_send` of an int8, float8 or timestamptz array: dimensions, has-nulls flag, element type,
# then per dimension its length and lower bound (20 bytes for one dimension), then each element as
# its byte length and big-endian value (timestamptz: µs since 2000-01-01 UTC).
_ARRAY_ELEMENT = np.dtype([("length", ">i4"), ("value", ">i8")])
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in µs since 1970-01-01
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_US = (datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_US = (datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_CAST_SQL = (  # Postgres's own cast (NUMERIC → text → float8), as reads did before blocks
    "SELECT array_send(array_agg(t)), array_send(array_agg(o)), array_send(array_agg(h)), array_send(array_agg(l)),"
    " array_send(array_agg(c)), array_send(array_agg(v)) FROM (SELECT ts t, open::float8 o, high::float8 h,"
    " low::float8 l, close::float8 c, volume::float8 v FROM bars WHERE series_id = %s AND ts >= %s AND ts <= %s"
    " ORDER BY ts) rows")


def span_us(timeframe: str) -> int:
    """Microseconds one block covers: BLOCK_BARS bars of the timeframe (a month counts 30 days), so a
    block never holds more than BLOCK_BARS bars of a series on its timeframe."""
    try:
        seconds = int(parse_timeframe(timeframe).delta.total_seconds())
    except TimeframeError:
        seconds = 1  # a text no timeframe parses: the shortest span holds every series' bars too
    return seconds * 1_000_000 * BLOCK_BARS


def lock(cursor: Any, series_id: int) -> None:
    """Writers of one series queue here, so no two splice the same block from the same old copy."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_CLASS, series_id))


class Pending:
    """The blocks a transaction's writes touched, and the time range written in each, spliced once at
    its commit: an import writes 10,000 bars at a time, and splicing each write would rewrite a
    growing block several times over."""

    def __init__(self) -> None:
        self.series: dict[int, tuple[int, dict[int, list[int]]]] = {}  # id → (span, block → [first, last] µs)

    def add(self, series_id: int, timeframe: str, ns: np.ndarray) -> None:
        span, blocks = self.series.setdefault(series_id, (span_us(timeframe), {}))
        for block_no, first_us, last_us in _ranges(np.sort(ns // 1000), span):
            known = blocks.setdefault(block_no, [first_us, last_us])
            known[0], known[1] = min(known[0], first_us), max(known[1], last_us)

    def write(self, cursor: Any) -> None:
        """Bring the touched blocks up to date with the bars table, a block at a time (so memory stays
        at a few blocks whatever the transaction wrote)."""
        for series_id, (span, blocks) in self.series.items():
            for block_no, (first_us, last_us) in sorted(blocks.items()):
                _splice(cursor, series_id, span, block_no, first_us, last_us)
        self.series.clear()


def rebuild(cursor: Any, series_id: int, timeframe: str) -> int:
    """Every block of a series, built again from its bars (for bars stored before blocks existed).
    Returns how many bars the blocks hold."""
    cursor.execute("DELETE FROM bar_blocks WHERE series_id = %s", (series_id,))
    cursor.execute("SELECT DISTINCT floor(extract(epoch FROM ts) * 1000000 / %s)::int8 FROM bars "
                   "WHERE series_id = %s", (span_us(timeframe), series_id))
    numbers = sorted(row[0] for row in cursor.fetchall())
    return sum(_splice(cursor, series_id, span_us(timeframe), n, None, None) for n in numbers)


def read(cursor: Any, symbol: str, timeframe: str, start_ns: int | None, end_ns: int | None) -> Columns:
    """The bars of a series between two times (inclusive, None: open-ended) as fresh arrays."""
    where, params = _window_blocks(symbol, timeframe, start_ns, end_ns)
    cursor.execute(f"SELECT {', '.join('k.' + c for c in COLUMNS)} {where} ORDER BY k.block_no", params, binary=True)
    blocks = cursor.fetchall()
    columns = tuple(np.concatenate([np.frombuffer(b[i], dtype=d) for b in blocks]) if blocks else
                    np.empty(0, dtype=d) for i, d in enumerate(_DTYPES))
    ts = columns[0]
    first = 0 if start_ns is None else int(np.searchsorted(ts, start_ns, "left"))
    stop = len(ts) if end_ns is None else int(np.searchsorted(ts, end_ns, "right"))
    whole = (first, stop) == (0, len(ts))  # else a copy, so a small window keeps no whole block alive
    return tuple(c[first:stop].astype(native, copy=not whole) for c, native in zip(columns, _NATIVE, strict=True))


def stored_count(cursor: Any, symbol: str, timeframe: str, start_ns: int | None, end_ns: int | None) -> int:
    """How many bars the blocks overlapping a window hold: grows whenever a bar is added inside the
    window (bars are only ever added), at the cost of a few index rows instead of counting every bar."""
    where, params = _window_blocks(symbol, timeframe, start_ns, end_ns)
    cursor.execute(f"SELECT coalesce(sum(k.count), 0) {where}", params)
    return int(cursor.fetchone()[0])


def _window_blocks(symbol: str, timeframe: str, start_ns: int | None, end_ns: int | None) -> tuple[str, list[Any]]:
    """FROM … WHERE of the blocks of a series that overlap a window, and its parameters."""
    span = span_us(timeframe)
    sql = "FROM bar_blocks k JOIN bar_series s ON s.id = k.series_id WHERE s.symbol = %s AND s.timeframe = %s"
    params: list[Any] = [symbol, timeframe]
    if start_ns is not None:
        sql += " AND k.block_no >= %s"
        params.append(start_ns // 1000 // span)
    if end_ns is not None:
        sql += " AND k.block_no <= %s"
        params.append(end_ns // 1000 // span)
    return sql, params


def cast_rows(cursor: Any, series_id: int, first_us: int, last_us: int) -> Columns:
    """Bars of a series with first_us <= ts <= last_us, cast to float8 by Postgres. Each column comes
    back as one array in its binary form (not a message per row, which cost more in Python than
    Postgres's cast), viewed by numpy."""
    cursor.execute(_CAST_SQL, (series_id, _us_to_datetime(first_us), _us_to_datetime(last_us)), binary=True)
    row = cursor.fetchone()
    ts, *prices = (_binary_array(value) for value in row)
    if len(ts) > 1 and not (np.diff(ts) > 0).all():  # aggregates read the subquery's rows in its order,
        order = np.argsort(ts, kind="stable")  # which Postgres does not promise: put them in order here
        ts, prices = ts[order], [p[order] for p in prices]
    return ((ts + _PG_EPOCH_US) * 1000, *(p.view(np.float64) for p in prices))


def _binary_array(data: bytes | None) -> np.ndarray:
    """A one-dimensional array of 8-byte values without nulls in `array_send` form, as native int64
    (reinterpreted as float64 by the caller for float8)."""
    if data is None:  # array_agg of no rows
        return np.empty(0, dtype=np.int64)
    dims, has_nulls = int.from_bytes(data[0:4], "big"), int.from_bytes(data[4:8], "big")
    if dims != 1 or has_nulls:
        raise ValueError("unexpected array layout")
    elements = np.frombuffer(data, dtype=_ARRAY_ELEMENT, offset=20)
    if not (elements["length"] == 8).all():
        raise ValueError("unexpected array element size")
    return elements["value"].astype(np.int64)


def _ranges(us: np.ndarray, span: int) -> list[tuple[int, int, int]]:
    """(block number, first µs, last µs) of each block that sorted times fall in."""
    numbers = us // span
    starts = np.flatnonzero(np.diff(numbers)) + 1
    firsts = np.concatenate(([0], starts))
    lasts = np.concatenate((starts - 1, [len(us) - 1]))
    return [(int(numbers[f]), int(us[f]), int(us[la])) for f, la in zip(firsts, lasts, strict=True)]


def _splice(cursor: Any, series_id: int, span: int, block_no: int, first_us: int | None,
            last_us: int | None) -> int:
    """Write one block: its stored columns with the bars in [first_us, last_us] read again from the
    bars table (None, or no stored block: the whole block from the bars table). Returns how many bars
    the block gained."""
    old = _stored(cursor, series_id, block_no)
    if old is None or first_us is None or last_us is None:
        merged = cast_rows(cursor, series_id, block_no * span, (block_no + 1) * span - 1)
    else:
        fresh = cast_rows(cursor, series_id, first_us, last_us)
        left = int(np.searchsorted(old[0], first_us * 1000, "left"))
        right = int(np.searchsorted(old[0], last_us * 1000, "right"))
        merged = tuple(np.concatenate((o[:left], f, o[right:])) for o, f in zip(old, fresh, strict=True))
    count, before = len(merged[0]), 0 if old is None else len(old[0])
    if count == 0:
        if old is not None:
            cursor.execute("DELETE FROM bar_blocks WHERE series_id = %s AND block_no = %s", (series_id, block_no))
        return -before
    payload = [np.ascontiguousarray(c, dtype=d).tobytes() for c, d in zip(merged, _DTYPES, strict=True)]
    cursor.execute(
        f"INSERT INTO bar_blocks (series_id, block_no, first_ts, last_ts, count, {', '.join(COLUMNS)}) "
        f"VALUES (%s, %s, %s, %s, %s, {', '.join(['%b'] * len(COLUMNS))}) ON CONFLICT (series_id, block_no) DO UPDATE "
        f"SET first_ts = EXCLUDED.first_ts, last_ts = EXCLUDED.last_ts, count = EXCLUDED.count, "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS),
        (series_id, block_no, _us_to_datetime(int(merged[0][0]) // 1000),
         _us_to_datetime(int(merged[0][-1]) // 1000), count, *payload))
    return count - before


def _stored(cursor: Any, series_id: int, block_no: int) -> Columns | None:
    cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM bar_blocks WHERE series_id = %s AND block_no = %s",
                   (series_id, block_no), binary=True)
    row = cursor.fetchone()
    if row is None:
        return None
    return tuple(np.frombuffer(value, dtype=d) for value, d in zip(row, _DTYPES, strict=True))


def _us_to_datetime(us: int) -> datetime:
    """Clamped to the years datetime holds: a block of long bars (1Month: 5,000+ years) reaches past them."""
    return _EPOCH + timedelta(microseconds=min(max(us, _MIN_US), _MAX_US))
