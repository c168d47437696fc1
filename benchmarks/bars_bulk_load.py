"""Stored bars on Postgres: import speed, read-back speed, and the read against the engine's run.

Each round, one after the other in the same process (the machine is shared, so only figures taken
side by side compare):
1. import: the same bars stored twice, in chunks of `--chunk` bars in one transaction as a CSV import
   does: once into `bars` alone (as before bar blocks) and once through `insert_columns` (bars, plus
   the blocks a backtest reads);
2. read back: `BarRepository.load` (from the blocks), and the cast query it replaced (`SELECT ts,
   open::float8, …` as one binary COPY), on the same series;
3. the engine: SMA crossover 10/20 all-in through Greta on the arrays just read (as
   benchmarks/backtest_throughput.py runs it).
The best of `--rounds` is printed; the target is a read faster than the engine (ratio > 1).

Usage: .venv/bin/python -m benchmarks.bars_bulk_load [--bars 1000000] [--chunk 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np

from app.bootstrap import bootstrap
from app.config import load_settings
from app.greta import Backtest, BacktestConfig
from app.marvin import BarFrame
from app.walle.repositories import BarRepository, bar_blocks
from benchmarks.common import scratch_postgres

COLUMNS = ("open", "high", "low", "close", "volume")
# load() before bar blocks: the cast query as one binary COPY, a message per row. Each row: its field
# count, then each field's byte length and big-endian value (timestamptz: µs since 2000-01-01 UTC).
BEFORE_SQL = ("SELECT b.ts, b.open::float8, b.high::float8, b.low::float8, b.close::float8, b.volume::float8 "
              "FROM bars b JOIN bar_series s ON s.id = b.series_id WHERE s.symbol = %s AND s.timeframe = %s "
              "ORDER BY b.ts")
BEFORE_ROW = np.dtype([("fields", ">i2"), ("ts_len", ">i4"), ("ts", ">i8")] + [
    item for name in COLUMNS for item in ((f"{name}_len", ">i4"), (name, ">f8"))])
PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in µs since 1970-01-01


def columns(count: int) -> dict[str, Any]:
    """What a CSV import hands over: epoch-ns timestamps (parsed by numpy) and price text, a random walk
    so the SMA crossover trades."""
    start_ns = 1_577_836_800 * 10**9  # 2020-01-01T00:00:00Z
    walk = 100 + np.cumsum(np.random.default_rng(42).normal(0, 0.05, count))
    close = [f"{p:.2f}" for p in walk.tolist()]
    return {
        "ts": start_ns + np.arange(count, dtype=np.int64) * 60 * 10**9,
        "open": close,
        "high": [f"{p + 0.05:.2f}" for p in walk.tolist()],
        "low": [f"{p - 0.05:.2f}" for p in walk.tolist()],
        "close": close,
        "volume": [str(1000 + i % 7) for i in range(count)],
    }


def store(container: Any, symbol: str, data: dict[str, Any], chunk: int, *, blocks: bool) -> float:
    """Seconds to store the bars in one transaction, `chunk` at a time (blocks=False: rows only, as before)."""
    started = time.perf_counter()
    with container.uow() as uow:
        bars: BarRepository = uow.bars
        sid = bars.series_id(symbol, "1Min", source="synthetic")
        cursor = uow.session.connection().connection.driver_connection.cursor()
        for first in range(0, len(data["ts"]), chunk):
            part = slice(first, first + chunk)
            values = tuple(data[c][part] for c in COLUMNS)
            if blocks:
                bars.insert_columns(symbol, "1Min", data["ts"][part], *values, source="synthetic")
            else:
                bars._copy_rows(cursor, sid, data["ts"][part], values, None)  # the write as it was before blocks
        uow.commit()
    return time.perf_counter() - started


def read_as_before(cursor: Any, symbol: str) -> tuple[np.ndarray, ...]:
    """The arrays as load() read them before bar blocks (its code, kept here as the peer)."""
    data = bytearray()
    with cursor.copy(f"COPY ({BEFORE_SQL}) TO STDOUT (FORMAT BINARY)", (symbol, "1Min")) as copy:
        for block in copy:
            data += block
    header = 11 + 4 + 4 + int.from_bytes(data[15:19], "big")
    rows = np.frombuffer(memoryview(data)[header:len(data) - 2], dtype=BEFORE_ROW)
    return ((rows["ts"].astype(np.int64) + PG_EPOCH_US) * 1000, *(rows[c].astype(np.float64) for c in COLUMNS))


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000, help="bars per insert_columns call (CSV import: 10,000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = columns(args.bars)
    sma = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 100.0}, cash=Decimal("100000"))
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(seconds, best.get(name, seconds))

    with scratch_postgres() as url:
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20),
                              listen=False)
        try:
            for round_no in range(args.rounds):
                keep("import rows only", store(container, f"ROWS{round_no}", data, args.chunk, blocks=False))
                keep("import with blocks", store(container, f"BENCH{round_no}", data, args.chunk, blocks=True))
                with container.read_session() as session:
                    seconds, loaded = timed(lambda n=round_no: BarRepository(session).load(f"BENCH{n}", "1Min"))
                    keep("read blocks", seconds)
                    cursor = session.connection().connection.driver_connection.cursor()
                    seconds, cast = timed(lambda c=cursor, n=round_no: read_as_before(c, f"BENCH{n}"))
                    keep("read cast query", seconds)
                assert len(loaded) == args.bars and all(
                    np.array_equal(getattr(loaded, name), column) for name, column in zip(
                        bar_blocks.COLUMNS, cast, strict=True))
                frame = BarFrame("BENCH", "1Min", loaded.ts, loaded.open, loaded.high, loaded.low, loaded.close,
                                 loaded.volume)
                seconds, result = timed(lambda f=frame: Backtest(sma, [f]).run())
                keep("engine", seconds)
        finally:
            container.close()
    rate = {name: args.bars / seconds for name, seconds in best.items()}
    print(f"{args.bars:,} 1Min bars, best of {args.rounds} rounds ({len(result.trades):,} trades in the engine run)")
    print(f"import, {args.chunk:,} bars per call in one transaction: rows only (before blocks) "
          f"{rate['import rows only']:,.0f} bars/s; with blocks {rate['import with blocks']:,.0f} bars/s "
          f"(x{rate['import with blocks'] / rate['import rows only']:.2f})")
    print(f"read back into arrays: blocks {rate['read blocks']:,.0f} bars/s; the cast query (before blocks) "
          f"{rate['read cast query']:,.0f} bars/s (blocks x{rate['read blocks'] / rate['read cast query']:.1f})")
    print(f"engine (sma_cross 10/20 on the arrays read): {rate['engine']:,.0f} bars/s; "
          f"read/engine = {rate['read blocks'] / rate['engine']:.1f} (the cast query's: "
          f"{rate['read cast query'] / rate['engine']:.2f})")


if __name__ == "__main__":
    main()
