"""Reading a CSV of bars: Weaver's reader (`weaver backtest --data`, app/greta/data/csvfile.py) against
pandas.read_csv on the same file in the same minute, as bars/s and their ratio (issue 15).

Weaver's figure includes every check (positive finite prices, high/low against open/close, times in
order and range) and the BarFrame; pandas' is the parse alone.

Usage: .venv/bin/python -m benchmarks.csv_read [--bars 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from app.greta.data import load_csv

START = 1_577_836_800  # 2020-01-01T00:00:00Z


def write_minute_bars(path: Path, count: int) -> None:
    stamps = np.datetime_as_string((START + 60 * np.arange(count)).astype("datetime64[s]"), unit="s")
    closes = (100 + (np.arange(count) % 500) / 100).tolist()
    with path.open("w") as handle:
        handle.write("timestamp,open,high,low,close,volume\n")
        handle.writelines(f"{t}Z,{c:.2f},{c + 0.5:.2f},{c - 0.5:.2f},{c:.2f},{i % 1000}\n"
                          for i, (t, c) in enumerate(zip(stamps.tolist(), closes, strict=True)))


def best_seconds(read, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        read()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bars.csv"
        write_minute_bars(path, args.bars)
        assert len(load_csv(path)) == args.bars
        pd.read_csv(path)  # both warmed up: imports and first-use set-up are not timed
        weaver = pandas = float("inf")
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            weaver = min(weaver, best_seconds(lambda: load_csv(path), 1))
            pandas = min(pandas, best_seconds(lambda: pd.read_csv(path), 1))
        size = path.stat().st_size / 1e6
    print(f"{args.bars:,} bars, {size:.0f} MB, best of {args.repeat}")
    print(f"weaver load_csv (checked BarFrame): {weaver:.3f} s = {args.bars / weaver:,.0f} bars/s")
    print(f"pandas.read_csv (parse only):       {pandas:.3f} s = {args.bars / pandas:,.0f} bars/s")
    print(f"ratio weaver/pandas time: {weaver / pandas:.2f}")


if __name__ == "__main__":
    main()
