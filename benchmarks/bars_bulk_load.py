"""Bar bulk load into Postgres through BarRepository.insert_many (COPY + ON CONFLICT DO NOTHING).

Usage: .venv/bin/python -m benchmarks.bars_bulk_load [--bars 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from app.bootstrap import bootstrap
from app.config import load_settings
from app.walle.repositories import BarRepository
from benchmarks.common import scratch_postgres


def columns(count: int) -> dict[str, object]:
    """What a CSV import hands over: epoch-ns timestamps (parsed by numpy) and price text."""
    start_ns = 1_577_836_800 * 10**9  # 2020-01-01T00:00:00Z
    prices = [f"{100 + (i % 500) / 100:.2f}" for i in range(count)]
    return {
        "ts": start_ns + np.arange(count, dtype=np.int64) * 60 * 10**9,
        "open": prices,
        "high": [f"{100 + (i % 500) / 100 + 1:.2f}" for i in range(count)],
        "low": [f"{100 + (i % 500) / 100 - 1:.2f}" for i in range(count)],
        "close": prices,
        "volume": [str(1000 + i % 7) for i in range(count)],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    args = parser.parse_args()
    data = columns(args.bars)
    with scratch_postgres() as url:
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20),
                              listen=False)
        try:
            started = time.perf_counter()
            inserted = 0
            with container.uow() as uow:
                inserted = uow.bars.insert_columns("BENCH", "1Min", **data, source="synthetic")
                uow.commit()
            elapsed = time.perf_counter() - started
            print(f"bars bulk load: {inserted:,} bars in {elapsed:.2f}s = {inserted / elapsed:,.0f} bars/s")
            started = time.perf_counter()
            with container.read_session() as session:
                loaded = BarRepository(session).load("BENCH", "1Min")
            elapsed = time.perf_counter() - started
            rate = len(loaded) / elapsed
            print(f"bars read back into arrays: {len(loaded):,} in {elapsed:.2f}s = {rate:,.0f} bars/s")
        finally:
            container.close()


if __name__ == "__main__":
    main()
