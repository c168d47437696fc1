"""Bars: columnar bulk load, ranges per series, and a one-query read into numpy arrays.

The backtest engine wants arrays, and an import wants throughput, so neither path goes through
ORM objects: writes are COPY (Postgres) or one executemany (SQLite). Reads land straight in numpy:
on Postgres from the bar blocks (bar_blocks.py), the float columns written beside the bars when they
are stored, so a read costs less than the engine's run over the bars; on SQLite one query casts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import event, exists, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from app.walle.models import Bar, BarSeries
from app.walle.models.bars import ADJUSTMENTS
from app.walle.repositories import bar_blocks
from app.walle.repositories.bar_conflicts import INCOMING, BarConflicts

Number = Decimal | str | int


@dataclass(frozen=True)
class SeriesInfo:
    symbol: str
    timeframe: str
    first_ts: datetime | None
    last_ts: datetime | None
    count: int
    source: str
    description: str | None
    adjustment: str = "raw"  # raw | split | all: how the bars were adjusted for splits and dividends


@dataclass(frozen=True)
class BarArrays:
    """One series' bars as arrays: `ts` is int64 nanoseconds since the epoch (UTC), prices float64."""

    symbol: str
    timeframe: str
    ts: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)


class BarRepository:
    """Shared, immutable market data: stored once, read by every run."""

    def __init__(self, session: Session):
        self.session = session

    @property
    def _postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    def series_id(self, symbol: str, timeframe: str, *, source: str | None = None,
                  description: str | None = None, adjustment: str | None = None) -> int:
        """The id of a symbol/timeframe series, created on first use (with its source label and
        adjustment, "raw" unless given); a given source or adjustment replaces the stored one."""
        if adjustment is not None and adjustment not in ADJUSTMENTS:
            raise ValueError(f"unknown adjustment {adjustment!r}: expected one of {', '.join(ADJUSTMENTS)}")
        series = self.session.scalar(
            select(BarSeries).where(BarSeries.symbol == symbol, BarSeries.timeframe == timeframe)
        )
        if series is None:
            series = BarSeries(symbol=symbol, timeframe=timeframe, source=source or "unknown", description=description,
                               adjustment=adjustment or "raw")
            self.session.add(series)
            self.session.flush()
        else:
            if source is not None:
                series.source, series.description = source, description
            if adjustment is not None:
                series.adjustment = adjustment
        return series.id

    def insert_columns(
        self, symbol: str, timeframe: str, ts: Timestamps, open: Values, high: Values, low: Values, close: Values,
        volume: Values, *, source: str = "unknown", description: str | None = None,
        adjustment: str | None = None, conflicts: BarConflicts | None = None,
    ) -> int:
        """Store bars given as columns; bars whose (series, ts) already exist are kept unchanged.

        `ts`: aware UTC datetimes, or an int64 array of epoch nanoseconds. Values: Decimal, str or
        int (exact), or a float64 numpy array, stored as the decimal it was parsed from (15
        significant digits, all a float64 holds) within the column's scale. `adjustment` (raw |
        split | all) says how the bars were adjusted, stored on the series (None: a new series is
        "raw", an existing one keeps its own). `conflicts`, if given, hears of the given bars whose
        time is stored with other prices (looked for only when the bars overlap stored ones).
        Returns how many bars were new.
        """
        count = len(ts)
        sid = self.series_id(symbol, timeframe, source=source, description=description, adjustment=adjustment)
        if count == 0:
            return 0
        columns = (open, high, low, close, volume)
        _check_exact(ts, columns)
        if not self._postgres:
            times = _as_datetimes(ts)
            texts = [_as_text(c) for c in columns]
            rows = [
                {"series_id": sid, "ts": t, "open": o, "high": h, "low": lo, "close": c, "volume": v}
                for t, o, h, lo, c, v in zip(times, *texts, strict=True)
            ]
            if conflicts is not None and self._overlaps(sid, min(times), max(times)):
                self._sqlite_conflicts(sid, rows, conflicts)
            # Core insert (not ORM) so rowcount is sqlite's count of rows actually inserted.
            result = self.session.connection().execute(insert(Bar.__table__).prefix_with("OR IGNORE"), rows)
            return result.rowcount
        ns = _as_epoch_ns(ts)
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        bar_blocks.lock(cursor, sid)
        inserted = self._copy_rows(cursor, sid, ns, columns, conflicts)
        if inserted:  # else every bar was there already, and so were its blocks
            self.session.info.setdefault(_PENDING_BLOCKS, bar_blocks.Pending()).add(sid, timeframe, ns)
        return inserted

    def _overlaps(self, sid: int, first: datetime, last: datetime) -> bool:
        """Whether the series has a stored bar between two times (inclusive)."""
        return bool(self.session.scalar(select(exists().where(Bar.series_id == sid, Bar.ts >= first, Bar.ts <= last))))

    def _sqlite_conflicts(self, sid: int, rows: list[dict[str, Any]], conflicts: BarConflicts) -> None:
        """SQLite: the rows through a temp table (same column affinities as `bars`, so values compare
        as stored) to find those that differ from the stored bars, before INSERT OR IGNORE drops them."""
        connection = self.session.connection()
        connection.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS _bars_in AS SELECT * FROM bars WHERE 0")
        connection.execute(insert(INCOMING), rows)
        conflicts.collect(connection, sid)
        connection.exec_driver_sql("DELETE FROM _bars_in")

    def _copy_rows(self, cursor: Any, sid: int, ns: np.ndarray, columns: tuple[Values, ...],
                   conflicts: BarConflicts | None) -> int:
        """Postgres: the bars into `bars` alone (blocks untouched); returns how many were new."""
        count = len(ns)
        overlaps = self._overlaps(sid, _ns_to_datetime(int(ns.min())), _ns_to_datetime(int(ns.max())))
        target = "bars" if not overlaps else "_bars_in"  # no overlap (the usual case): straight in
        if overlaps:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS _bars_in (LIKE bars) ON COMMIT DROP")
        with cursor.copy(f"COPY {target} (series_id, ts, open, high, low, close, volume) FROM STDIN") as copy:
            # Format and send in chunks, so Postgres parses one chunk while we format the next.
            for first in range(0, count, _CHUNK):
                part = slice(first, first + _CHUNK)
                stamps = (np.datetime_as_string((ns[part] // 1000).astype("datetime64[us]"), unit="us") + "Z").tolist()
                texts = [_as_text(c[part]) for c in columns]
                lines = zip([str(sid)] * len(stamps), stamps, *texts, strict=True)
                copy.write("\n".join(map("\t".join, lines)) + "\n")
        if not overlaps:
            return count
        if conflicts is not None:
            conflicts.collect(self.session.connection(), sid)
        cursor.execute("INSERT INTO bars SELECT * FROM _bars_in ON CONFLICT DO NOTHING")
        inserted = cursor.rowcount
        cursor.execute("TRUNCATE _bars_in")
        return inserted

    def series(self) -> list[SeriesInfo]:
        query = (
            select(BarSeries.symbol, BarSeries.timeframe, func.min(Bar.ts), func.max(Bar.ts), func.count(Bar.ts),
                   BarSeries.source, BarSeries.description, BarSeries.adjustment)
            .outerjoin(Bar, Bar.series_id == BarSeries.id)
            .group_by(BarSeries.id)
            .order_by(BarSeries.symbol, BarSeries.timeframe)
        )
        return [SeriesInfo(*row) for row in self.session.execute(query)]

    def bounds(self, symbol: str, timeframe: str) -> tuple[datetime | None, datetime | None]:
        """The first and last stored bar's times, (None, None) without bars: two probes of the series' index
        however long it is (with the series joined in, the planner scanned every bar: a million took 85-300 ms,
        paid by every run, sweep and walk-forward request, and again by the worker that made the cells)."""
        series = self.session.scalar(select(BarSeries.id).where(BarSeries.symbol == symbol,
                                                                BarSeries.timeframe == timeframe))
        if series is None:
            return None, None
        first, last = self.session.execute(select(func.min(Bar.ts), func.max(Bar.ts))
                                           .where(Bar.series_id == series)).one()
        return first, last

    def range(self, symbol: str, timeframe: str) -> tuple[datetime | None, datetime | None, int]:
        """`bounds` and how many bars there are (counting reads every bar: only where the count is wanted)."""
        first, last = self.bounds(symbol, timeframe)
        return first, last, self.count(symbol, timeframe) if first is not None else 0

    def count(self, symbol: str, timeframe: str, start: datetime | None = None, end: datetime | None = None) -> int:
        """How many bars a window of a series holds (an index range count)."""
        query = (select(func.count(Bar.ts)).join(BarSeries, Bar.series_id == BarSeries.id)
                 .where(BarSeries.symbol == symbol, BarSeries.timeframe == timeframe))
        if start is not None:
            query = query.where(Bar.ts >= start)
        if end is not None:
            query = query.where(Bar.ts <= end)
        return self.session.scalar(query) or 0

    def stamp(self, symbol: str, timeframe: str, start: datetime | None = None, end: datetime | None = None) -> int:
        """A number that changes whenever a bar is added inside the window, for caches of its bars.
        Postgres: the bars of the blocks overlapping the window (a few index rows; counting 39,000 bars
        cost more than reading them from the blocks); SQLite: the window's count."""
        if not self._postgres:
            return self.count(symbol, timeframe, start, end)
        write_pending_blocks(self.session)
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        return bar_blocks.stored_count(cursor, symbol, timeframe, *_window_ns(start, end))

    def last_ts(self, symbol: str, timeframe: str) -> datetime | None:
        return self.bounds(symbol, timeframe)[1]

    def symbols(self) -> list[str]:
        return list(self.session.scalars(select(BarSeries.symbol).distinct().order_by(BarSeries.symbol)))

    def timeline(self, symbols: Sequence[str], timeframe: str, start: datetime | None = None,
                 end: datetime | None = None) -> np.ndarray:
        """Every bar time (epoch ns) any of `symbols` has in the window, sorted, each once."""
        return np.unique(np.concatenate([self.load(s, timeframe, start, end).ts for s in symbols]))

    def load(self, symbol: str, timeframe: str, start: datetime | None = None,
             end: datetime | None = None) -> BarArrays:
        """The bars of a window (inclusive bounds) as float arrays (the engine computes in floats and
        converts to Decimal only where money is booked). Postgres: from the bar blocks, whose prices
        were cast once when stored; SQLite: one query casting in SQL."""
        if self._postgres:
            write_pending_blocks(self.session)  # bars this transaction wrote
            cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
            return BarArrays(symbol, timeframe, *bar_blocks.read(cursor, symbol, timeframe, *_window_ns(start, end)))
        # Stored as text "YYYY-MM-DD HH:MM:SS.ffffff": whole seconds, plus the microseconds.
        ts_sql = ("CAST(strftime('%s', substr(b.ts, 1, 19)) AS INTEGER) * 1000000"
                  " + CAST(substr(b.ts, 21, 6) AS INTEGER)")
        prices = ", ".join(f"CAST(b.{name} AS REAL)" for name in ("open", "high", "low", "close", "volume"))
        sql = (f"SELECT {ts_sql}, {prices} FROM bars b JOIN bar_series s ON s.id = b.series_id "
               "WHERE s.symbol = ? AND s.timeframe = ?")
        params: list[Any] = [symbol, timeframe]
        for bound, op in ((start, ">="), (end, "<=")):
            if bound is not None:
                sql += f" AND b.ts {op} ?"
                params.append(f"{bound.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}")
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(sql + " ORDER BY b.ts", params)
        rows = cursor.fetchall()
        table = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
        ts = np.array([r[0] for r in rows], dtype=np.int64) * 1000
        return BarArrays(symbol, timeframe, ts, *(np.ascontiguousarray(table[:, i]) for i in range(1, 6)))


def _window_ns(start: datetime | None, end: datetime | None) -> tuple[int | None, int | None]:
    return tuple(None if t is None else (t.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1) * 1000
                 for t in (start, end))  # type: ignore[return-value]


@event.listens_for(Session, "before_commit")
def write_pending_blocks(session: Session) -> None:
    """The bar blocks of the bars this session's transaction wrote, spliced before it commits."""
    pending: bar_blocks.Pending | None = session.info.pop(_PENDING_BLOCKS, None)
    if pending is not None and pending.series:
        pending.write(session.connection().connection.driver_connection.cursor())  # type: ignore[union-attr]


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending_blocks(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint: its bars are gone
        session.info.pop(_PENDING_BLOCKS, None)


_PENDING_BLOCKS = "weaver_bar_blocks_pending"  # session.info key: the blocks to splice at commit
_CHUNK = 50_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Timestamps = Sequence[datetime] | np.ndarray
Values = Sequence[Decimal | str | int] | np.ndarray


def _check_exact(ts: Timestamps, columns: tuple[Values, ...]) -> None:
    if not isinstance(ts, np.ndarray) and ts[0].tzinfo is None:
        raise ValueError(f"naive datetime {ts[0]!r}: Weaver stores only timezone-aware UTC times")
    for column in columns:
        if not isinstance(column, np.ndarray) and isinstance(column[0], float):
            raise TypeError("bar prices must be exact (Decimal, str or int), or a float64 array to round")


def _as_text(values: Values) -> list[str]:
    if isinstance(values, np.ndarray):
        # "%.15g" gives back the decimal text a float64 was parsed from ("1.23e-05" for 0.0000123),
        # without the binary noise "%.12f" would add; the column rounds it to its scale.
        return list(map("%.15g".__mod__, values.tolist()))
    return list(map(str, values))


def _as_epoch_ns(ts: Timestamps) -> np.ndarray:
    if isinstance(ts, np.ndarray):
        return ts.astype(np.int64)
    return np.array([round(t.timestamp() * 1_000_000) for t in ts], dtype=np.int64) * 1000


def _ns_to_datetime(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ns // 1000)


def _as_datetimes(ts: Timestamps) -> Sequence[datetime]:
    if isinstance(ts, np.ndarray):
        return [_EPOCH + timedelta(microseconds=int(n) // 1000) for n in ts]
    return ts
