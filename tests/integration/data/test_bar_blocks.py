"""On Postgres a backtest reads bars from bar blocks (float columns written beside the bars): whatever
wrote the bars and whatever window is asked for, the arrays are the very ones the cast query over the
bars table gives (`SELECT ts, open::float8, …`, what load() ran before blocks)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text

from app.bootstrap import Container
from app.services.bars import BarService
from app.services.fetch import BarFetcher
from app.walle import migrate
from app.walle.db import make_engine, make_session_factory
from app.walle.repositories import BarArrays, BarRepository
from app.walle.repositories.bar_blocks import BLOCK_BARS, span_us
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE_NS = 60 * 10**9
BLOCK_NS = span_us("1Min") * 1000  # one block of 1Min bars: 65,536 minutes
START_NS = (datetime(2024, 1, 2, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1) * 1000
NAMES = ("ts", "open", "high", "low", "close", "volume")


def as_ns(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1) * 1000


def at(ns: int) -> datetime:
    return EPOCH + timedelta(microseconds=ns // 1000)


def cast_query(session: Any, symbol: str, timeframe: str, start: datetime | None = None,
               end: datetime | None = None) -> list[np.ndarray]:
    """What load() read before blocks: the bars table, cast to float8 by Postgres, row by row."""
    sql = ("SELECT b.ts, b.open::float8, b.high::float8, b.low::float8, b.close::float8, b.volume::float8 "
           "FROM bars b JOIN bar_series s ON s.id = b.series_id WHERE s.symbol = :symbol AND s.timeframe = :tf")
    params: dict[str, Any] = {"symbol": symbol, "tf": timeframe}
    if start is not None:
        sql, params["start"] = sql + " AND b.ts >= :start", start
    if end is not None:
        sql, params["end"] = sql + " AND b.ts <= :end", end
    rows = session.execute(text(sql + " ORDER BY b.ts"), params).all()
    return [np.array([as_ns(r[0]) for r in rows], dtype=np.int64)] + [
        np.array([r[i] for r in rows], dtype=np.float64) for i in range(1, 6)]


def assert_same(loaded: BarArrays, expected: list[np.ndarray]) -> None:
    assert loaded.ts.dtype == np.int64 and loaded.close.dtype == np.float64
    for name, column in zip(NAMES, expected, strict=True):
        assert np.array_equal(getattr(loaded, name), column), name


def check(container: Container, symbol: str, timeframe: str = "1Min", start: datetime | None = None,
          end: datetime | None = None) -> int:
    with container.read_session() as session:
        loaded = BarRepository(session).load(symbol, timeframe, start, end)
        assert_same(loaded, cast_query(session, symbol, timeframe, start, end))
    return len(loaded)


def random_bars(count: int, seed: int, first_ns: int = START_NS, step_ns: int = MINUTE_NS) -> dict[str, Any]:
    """Prices with more decimals than the column keeps (it rounds them to 12) and volumes to 1e-9."""
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 0.37, count))
    return {"ts": first_ts_array(count, first_ns, step_ns), "open": close + rng.random(count) / 7,
            "high": close + 1 / 3, "low": close - rng.random(count) / 3, "close": close,
            "volume": rng.random(count) * 1e6}


def first_ts_array(count: int, first_ns: int, step_ns: int) -> np.ndarray:
    return first_ns + np.arange(count, dtype=np.int64) * step_ns


def insert(container: Container, symbol: str, bars: dict[str, Any], *, chunk: int | None = None,
           timeframe: str = "1Min") -> int:
    """In one transaction, `chunk` bars per call (as an import does), or all in one call."""
    inserted = 0
    step = chunk or max(len(bars["ts"]), 1)
    with container.uow() as uow:
        for first in range(0, len(bars["ts"]), step):
            part = slice(first, first + step)
            inserted += uow.bars.insert_columns(symbol, timeframe, *(bars[n][part] for n in NAMES), source="test")
        uow.commit()
    return inserted


def test_a_series_of_many_blocks_reads_back_as_the_cast_query_gives_it(pg: Container) -> None:
    count = 4 * BLOCK_BARS + 1234  # starts mid-block: five blocks, three of them full
    assert insert(pg, "MANY", random_bars(count, seed=1), chunk=50_000) == count
    assert check(pg, "MANY") == count
    with pg.read_session() as session:
        blocks = session.execute(text("SELECT count FROM bar_blocks ORDER BY block_no")).scalars().all()
    assert len(blocks) == 5 and blocks.count(BLOCK_BARS) == 3 and sum(blocks) == count


def test_text_prices_round_to_the_column_as_before(pg: Container) -> None:
    stamps = [at(START_NS + i * MINUTE_NS) for i in range(4)]
    prices = ["0.0000000000005", "1.0000000000015", "-2.0000000000025", "123456789012345678.123456789012"]
    with pg.uow() as uow:
        uow.bars.insert_columns("TEXT", "1Min", stamps, prices, prices, prices, prices,
                                [Decimal("0.1234567895"), 0, "1e-9", "7"], source="test")
        uow.commit()
    assert check(pg, "TEXT") == 4


def test_a_reimport_keeps_old_bars_and_adds_the_new_ones(pg: Container) -> None:
    old = random_bars(100_000, seed=2)
    insert(pg, "AGAIN", old, chunk=30_000)
    with pg.read_session() as session:
        before = BarRepository(session).load("AGAIN", "1Min")
    new = random_bars(120_000, seed=3, first_ns=START_NS + 60_000 * MINUTE_NS)  # overlaps the last 40,000
    assert insert(pg, "AGAIN", new, chunk=25_000) == 80_000
    assert check(pg, "AGAIN") == 180_000
    with pg.read_session() as session:
        after = BarRepository(session).load("AGAIN", "1Min")
    assert np.array_equal(after.close[:100_000], before.close)  # the stored bars kept their prices
    assert after.close[100_000] != before.close[-1] and len(set(np.diff(after.ts).tolist())) == 1


def test_bars_filled_in_between_stored_ones_land_in_their_place(pg: Container) -> None:
    every = random_bars(2 * BLOCK_BARS, seed=4)
    odd = {name: column[1::2] for name, column in every.items()}
    even = {name: column[0::2] for name, column in every.items()}
    insert(pg, "GAPS", odd)
    assert insert(pg, "GAPS", even, chunk=7_000) == BLOCK_BARS
    assert check(pg, "GAPS") == 2 * BLOCK_BARS
    with pg.read_session() as session:
        loaded = BarRepository(session).load("GAPS", "1Min")
    assert np.array_equal(loaded.ts, every["ts"]) and (np.diff(loaded.ts) == MINUTE_NS).all()
    # Again with other prices, every bar (writes starting and ending on stored bars), and one new bar
    # in the first write: the stored bars keep their prices.
    again = random_bars(2 * BLOCK_BARS + 1, seed=9)
    again["ts"] = np.sort(np.append(every["ts"], every["ts"][0] + MINUTE_NS // 2))
    assert insert(pg, "GAPS", again, chunk=6_001) == 1
    assert check(pg, "GAPS") == 2 * BLOCK_BARS + 1
    with pg.read_session() as session:
        assert np.array_equal(np.delete(BarRepository(session).load("GAPS", "1Min").close, 1), loaded.close)


def test_blocks_follow_the_transaction_of_their_bars(pg: Container) -> None:
    bars = random_bars(1_000, seed=10)

    def write(uow: Any, part: slice) -> int:
        return uow.bars.insert_columns("TX", "1Min", *(bars[n][part] for n in NAMES), source="test")

    with pg.uow() as uow:
        write(uow, slice(0, 1_000))
        in_transaction = uow.bars.load("TX", "1Min")
        assert_same(in_transaction, cast_query(uow.session, "TX", "1Min"))
        assert len(in_transaction) == 1_000
        # not committed: rolled back
    assert check(pg, "TX") == 0
    with pg.uow() as uow:
        write(uow, slice(0, 600))
        savepoint = uow.session.begin_nested()
        write(uow, slice(600, 1_000))
        savepoint.rollback()
        uow.commit()
    assert check(pg, "TX") == 600


def test_windows_mid_block_and_on_block_edges(pg: Container) -> None:
    count = 4 * BLOCK_BARS
    first_block = START_NS // BLOCK_NS + 1
    first_ns = first_block * BLOCK_NS - 5_000 * MINUTE_NS  # the series starts 5,000 bars before a block edge
    insert(pg, "WIN", random_bars(count, seed=5, first_ns=first_ns))
    edge = [at((first_block + k) * BLOCK_NS) for k in range(4)]  # the first bar of each block after the first
    minute = timedelta(minutes=1)
    windows = [
        (None, None), (edge[0], None), (None, edge[0]), (None, edge[0] - minute),
        (edge[0], edge[1]), (edge[0], edge[1] - minute), (edge[0] - minute, edge[1] + minute),
        (edge[1] + timedelta(minutes=123), edge[3] - timedelta(minutes=4567)),  # mid-block to mid-block
        (edge[1] + timedelta(seconds=30), edge[1] + timedelta(minutes=2, seconds=30)),  # between bar times
        (edge[2], edge[2]), (edge[2] - timedelta(microseconds=1), edge[2] + timedelta(microseconds=1)),
        (at(first_ns) - timedelta(days=400), at(first_ns)), (at(first_ns) + timedelta(days=4000), None),
        (edge[3], edge[1]),  # start after end: nothing
    ]
    sizes = [check(pg, "WIN", start=start, end=end) for start, end in windows]
    assert sizes[0] == count and sizes[4] == BLOCK_BARS + 1 and sizes[5] == BLOCK_BARS
    assert sizes[8] == 2 and sizes[9] == 1 and sizes[10] == 1 and sizes[11] == 1 and sizes[12] == sizes[13] == 0


def test_empty_series_and_unknown_symbols_read_as_empty_arrays(pg: Container) -> None:
    with pg.uow() as uow:
        uow.bars.series_id("NOBARS", "1Min", source="test")
        uow.bars.insert_columns("NOBARS", "1Min", [], [], [], [], [], [], source="test")
        uow.commit()
    assert check(pg, "NOBARS") == 0
    assert check(pg, "NOSUCH") == 0
    assert check(pg, "NOBARS", start=datetime(2024, 1, 1, tzinfo=UTC), end=datetime(2025, 1, 1, tzinfo=UTC)) == 0


def test_long_timeframes_and_times_before_1970(pg: Container) -> None:
    days = random_bars(3_000, seed=6, first_ns=as_ns(datetime(1962, 1, 2, tzinfo=UTC)), step_ns=86_400 * 10**9)
    months = random_bars(40, seed=7, first_ns=as_ns(datetime(1990, 1, 1, tzinfo=UTC)), step_ns=30 * 86_400 * 10**9)
    insert(pg, "OLD", days, timeframe="1Day")
    insert(pg, "OLD", months, timeframe="12Month")
    assert check(pg, "OLD", "1Day") == 3_000 and check(pg, "OLD", "12Month") == 40
    winter = (datetime(1969, 12, 1, tzinfo=UTC), datetime(1970, 1, 31, tzinfo=UTC))
    assert check(pg, "OLD", "1Day", *winter) == 62


def test_the_other_writers_keep_blocks_in_step(pg: Container) -> None:
    """CSV import (10,000 rows a write, one transaction), arrays from memory (the demo), and a fetch from
    the broker (a page a transaction, resumed after the last stored bar)."""
    rows = "\n".join(f"{at(START_NS + i * MINUTE_NS):%Y-%m-%dT%H:%M:%SZ},{10 + i % 97 / 8:.3f},{12.5 + i % 97 / 8:.4f},"
                     f"{8.75 + i % 97 / 8:.5f},{10.123456 + i % 97 / 8:.6f},{i % 1013}" for i in range(70_000))
    csv = io.BytesIO(("timestamp,open,high,low,close,volume\n" + rows + "\n").encode())
    assert BarService(pg.uow).import_csv(csv, "CSV", "1Min").inserted == 70_000
    assert check(pg, "CSV") == 70_000

    demo = random_bars(150_001, seed=8)
    assert BarService(pg.uow).store_arrays("DEMO", "1Min", demo["ts"], demo, source="synthetic") == 150_001
    assert check(pg, "DEMO") == 150_001

    pages = FakeBars(1_000, page_size=300)
    assert BarFetcher(pg.uow, pages.get).fetch("FETCH", "1Min", at(START_NS), at(START_NS + 599 * MINUTE_NS)).inserted \
        == 600
    assert check(pg, "FETCH") == 600
    assert BarFetcher(pg.uow, pages.get).fetch("FETCH", "1Min", at(START_NS)).inserted == 400  # resumes after 600
    assert check(pg, "FETCH") == 1_000


class FakeBars:
    """The broker's bars endpoint (Alpaca's JSON pages): `count` minutes from START_NS, `page_size` a page."""

    def __init__(self, count: int, page_size: int):
        self.count, self.page_size = count, page_size

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        start = (as_ns(datetime.fromisoformat(params["start"].replace("Z", "+00:00"))) - START_NS) // MINUTE_NS
        last = self.count - 1
        if "end" in params:
            last = min(last, (as_ns(datetime.fromisoformat(params["end"].replace("Z", "+00:00"))) - START_NS)
                       // MINUTE_NS)
        first = int(params.get("page_token") or start)
        stop = min(first + self.page_size, last + 1)
        bars = [{"t": f"{at(START_NS + i * MINUTE_NS):%Y-%m-%dT%H:%M:%SZ}", "o": 100 + i / 7, "h": 101 + i / 3,
                 "l": 99 - i / 9, "c": round(100 + i / 11, 4), "v": 10 + i} for i in range(first, stop)]
        return {"bars": {params["symbols"]: bars}, "next_page_token": str(stop) if stop <= last else None}


@pytest.fixture
def at_0005() -> Iterator[str]:
    name = create_pg_database("weaver_blocks")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0005")
        yield url
    finally:
        drop_pg_database(name)


def test_upgrading_builds_the_blocks_of_bars_stored_before(at_0005: str) -> None:
    engine = make_engine(at_0005)
    try:
        with engine.begin() as conn:  # bars as the code before blocks stored them
            conn.execute(text("INSERT INTO bar_series (id, symbol, timeframe, source, adjustment, updated_at) VALUES "
                              "(1, 'PRE', '1Min', 'csv', 'raw', now()), (2, 'PRE', '1Day', 'csv', 'raw', now()), "
                              "(3, 'EMPTY', '1Min', 'csv', 'raw', now())"))
            conn.execute(text(
                "INSERT INTO bars SELECT 1, timestamptz '2024-01-02' + i * interval '1 minute', 100 + i / 7.0, "
                "101 + i / 3.0, 99 + sin(i)::numeric, 100 + i / 11.0, i * 0.123456789 "
                "FROM generate_series(0, 150000) i WHERE i % 1000 <> 7"))
            conn.execute(text(
                "INSERT INTO bars SELECT 2, timestamptz '1999-06-01' + i * interval '1 day', 10 + i / 3.0, "
                "11 + i / 3.0, 9 + i / 3.0, 10.5 + i / 3.0, 1000 + i FROM generate_series(0, 9000) i"))
        migrate.upgrade(at_0005)
        assert migrate.schema_differences(engine) == []
        sessions = make_session_factory(engine)
        with sessions() as session:
            repo = BarRepository(session)
            assert_same(repo.load("PRE", "1Min"), cast_query(session, "PRE", "1Min"))
            assert len(repo.load("PRE", "1Min")) == 150_001 - 150
            assert_same(repo.load("PRE", "1Day"), cast_query(session, "PRE", "1Day"))
            middle = (datetime(2024, 2, 3, 4, 5, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC))
            assert_same(repo.load("PRE", "1Min", *middle), cast_query(session, "PRE", "1Min", *middle))
            assert len(repo.load("EMPTY", "1Min")) == 0
            # and stored bars added after the upgrade join the blocks the upgrade built
            repo.insert_columns("PRE", "1Min", [datetime(2024, 1, 2, 0, 7, tzinfo=UTC)], ["1.5"], ["2"], ["1"],
                                ["1.25"], ["100"], source="csv")
            session.commit()
            assert_same(repo.load("PRE", "1Min"), cast_query(session, "PRE", "1Min"))
            assert len(repo.load("PRE", "1Min")) == 150_001 - 149
    finally:
        engine.dispose()
