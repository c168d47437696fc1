"""A re-import on Postgres: what looking for rows that differ from the stored bars costs.

A re-import of bars already stored takes the overlap path of `insert_columns` (COPY into the temp
table `_bars_in`, then INSERT … ON CONFLICT DO NOTHING). With a `BarConflicts` collector it also
joins `_bars_in` with `bars` to count the rows whose prices differ. Each round, side by side in the
same process (the machine is shared): the same re-import without a collector (as before) and with
one, in chunks of `--chunk` bars in one transaction (as a CSV import does), rolled back so every
round re-imports the same stored bars. A first import of new bars (no overlap) is timed the same two
ways: the collector must cost nothing there. The best of `--rounds` is printed, with the ratios.

Usage: .venv/bin/python -m benchmarks.bars_reimport_conflicts [--bars 200000] [--chunk 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from app.bootstrap import bootstrap
from app.config import load_settings
from app.walle.repositories.bar_conflicts import BarConflicts
from benchmarks.bars_bulk_load import COLUMNS, columns
from benchmarks.common import scratch_postgres


def write(container: Any, symbol: str, data: dict[str, Any], chunk: int, collect: bool) -> float:
    """Seconds to write the bars in chunks in one transaction, rolled back afterwards."""
    conflicts = BarConflicts() if collect else None
    began = time.perf_counter()
    with container.uow() as uow:
        for first in range(0, len(data["ts"]), chunk):
            part = slice(first, first + chunk)
            uow.bars.insert_columns(symbol, "1Min", data["ts"][part], *(data[c][part] for c in COLUMNS),
                                    conflicts=conflicts)
        uow.session.flush()
        seconds = time.perf_counter() - began
        uow.rollback()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    data = columns(args.bars)
    changed = {**data, "close": [f"{float(c) + 0.01:.2f}" for c in data["close"]]}  # every stored bar differs
    best: dict[str, float] = {}
    with scratch_postgres() as url:
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20),
                              listen=False)
        try:
            with container.uow() as uow:
                for first in range(0, args.bars, args.chunk):
                    part = slice(first, first + args.chunk)
                    uow.bars.insert_columns("KEPT", "1Min", data["ts"][part], *(data[c][part] for c in COLUMNS))
                uow.commit()
            cases = {"re-import, same prices": ("KEPT", data), "re-import, every close differs": ("KEPT", changed),
                     "first import (no overlap)": ("NEW", data)}
            for _ in range(args.rounds):
                for name, (symbol, rows) in cases.items():
                    for collect in (False, True):
                        key = f"{name}, {'with' if collect else 'without'} conflicts"
                        best[key] = min(best.get(key, float("inf")), write(container, symbol, rows, args.chunk,
                                                                           collect))
        finally:
            container.close()
    print(f"{args.bars:,} bars in chunks of {args.chunk:,}, best of {args.rounds} (alternated in the same minute):")
    for name in cases:
        before, after = best[f"{name}, without conflicts"], best[f"{name}, with conflicts"]
        print(f"  {name:32} without {before * 1000:8.1f} ms   with {after * 1000:8.1f} ms   "
              f"ratio with/without {after / before:.2f}")


if __name__ == "__main__":
    main()
