"""Reading a CSV of bars: Weaver's reader (`weaver backtest --data`, app/greta/data/csvfile.py) against
pandas.read_csv on the same file in the same minute, and the ratio of their times (issue 15: at most 1).

Three files: a million minute bars in the plain style (`timestamp,open,…` with ISO `…T14:30:00Z`
times), the same in Yahoo's style (`Date,Open,High,Low,Close,Adj Close,Volume`, `2020-01-01 14:30:00`
times, six decimals) and Yahoo daily bars (every day 1970–2099: a daily file can't hold a million).
Weaver's figure includes every check (positive finite prices, high/low against open/close, times
in order and range) and the BarFrame; pandas' is `pd.read_csv(path)` as a user would call it (the
times left as text), and with `parse_dates` for reference; `pyarrow.csv.read_csv(path)` (Arrow's own
reader on every core, types inferred, nothing checked) shows what the parse alone costs. Runs
alternate, so each side sees the same machine load; best of N. Peak memory: each reader alone in a
fresh interpreter, its peak RSS and how far the read took it above the interpreter with its imports.

Usage: .venv/bin/python -m benchmarks.csv_read [--bars 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pcsv

from app.greta.data import load_csv

START = 1_577_836_800  # 2020-01-01T00:00:00Z
DAILY_START = 0  # 1970-01-01
DAILY_DAYS = 47_400  # to 2099-10

READERS = {
    "weaver": "from app.greta.data import load_csv\nread = lambda path: load_csv(path)",
    "pandas": "import pandas as pd\nread = lambda path: pd.read_csv(path)",
    "pandas_dates": "import pandas as pd\nread = lambda path: pd.read_csv(path, parse_dates=[0])",
    "arrow": "import pyarrow.csv as pcsv\nread = lambda path: pcsv.read_csv(path)",
}
MEASURE = """import sys, json
import numpy, pandas, pyarrow, pyarrow.csv, app.greta.data
{reader}
def peak_kb():  # VmHWM: this process's own peak (ru_maxrss would carry the parent's over the exec)
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
before = peak_kb()
read(sys.argv[1])
print(json.dumps([before, peak_kb()]))
"""


def _closes(count: int) -> np.ndarray:
    return 100 + (np.arange(count) % 500) / 100


def write_plain_minutes(path: Path, count: int) -> None:
    stamps = np.datetime_as_string((START + 60 * np.arange(count)).astype("datetime64[s]"), unit="s")
    with path.open("w") as handle:
        handle.write("timestamp,open,high,low,close,volume\n")
        handle.writelines(f"{t}Z,{c:.2f},{c + 0.5:.2f},{c - 0.5:.2f},{c:.2f},{i % 1000}\n"
                          for i, (t, c) in enumerate(zip(stamps.tolist(), _closes(count).tolist(), strict=True)))


def write_yahoo(path: Path, stamps: list[str]) -> None:
    closes = (_closes(len(stamps)) + 0.123457).tolist()
    with path.open("w") as handle:
        handle.write("Date,Open,High,Low,Close,Adj Close,Volume\n")
        handle.writelines(f"{t},{c:.6f},{c + 0.5:.6f},{c - 0.5:.6f},{c:.6f},{c * 0.98:.6f},{1000 + i % 1000}\n"
                          for i, (t, c) in enumerate(zip(stamps, closes, strict=True)))


def write_yahoo_minutes(path: Path, count: int) -> None:
    seconds = (START + 60 * np.arange(count)).astype("datetime64[s]")
    write_yahoo(path, [s.replace("T", " ") for s in np.datetime_as_string(seconds, unit="s").tolist()])


def write_yahoo_days(path: Path, count: int) -> None:
    days = (DAILY_START + np.arange(count)).astype("datetime64[D]")
    write_yahoo(path, np.datetime_as_string(days, unit="D").tolist())


def peak_memory(reader: str, path: Path) -> tuple[float, float]:
    """Peak RSS in MB of a fresh interpreter reading `path`, and how much of it the read added."""
    done = subprocess.run([sys.executable, "-c", MEASURE.format(reader=READERS[reader]), str(path)],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    return after / 1024, (after - before) / 1024


def compare(path: Path, rows: int, repeat: int) -> dict[str, float]:
    reads: dict[str, Callable[[], object]] = {
        "weaver": lambda: load_csv(path),
        "pandas": lambda: pd.read_csv(path),
        "pandas_dates": lambda: pd.read_csv(path, parse_dates=[0]),
        "arrow": lambda: pcsv.read_csv(path),
    }
    assert len(load_csv(path)) == rows
    for read in reads.values():  # warmed up: imports, first-use set-up and the page cache are not timed
        read()
    best = dict.fromkeys(reads, float("inf"))
    for _ in range(repeat):  # interleaved, so all see the same machine load
        for name, read in reads.items():
            began = time.perf_counter()
            read()
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def report(title: str, path: Path, rows: int, repeat: int) -> None:
    best = compare(path, rows, repeat)
    print(f"\n{title}: {rows:,} bars, {path.stat().st_size / 1e6:.0f} MB, best of {repeat} "
          f"({time.strftime('%H:%M:%S')})")
    labels = {"weaver": "weaver load_csv (checked BarFrame)", "pandas": "pandas.read_csv(path)",
              "pandas_dates": "pandas.read_csv(path, parse_dates)", "arrow": "pyarrow.csv.read_csv(path)"}
    for name, seconds in best.items():
        peak, added = peak_memory(name, path)
        print(f"  {labels[name]:36s} {seconds:.3f} s = {rows / seconds:>12,.0f} bars/s   "
              f"peak {peak:4.0f} MB RSS (+{added:.0f} MB for the read)")
    print(f"  ratio weaver/pandas time: {best['weaver'] / best['pandas']:.2f}   "
          f"(weaver/pandas with parse_dates: {best['weaver'] / best['pandas_dates']:.2f}; "
          f"pyarrow.csv.read_csv/pandas: {best['arrow'] / best['pandas']:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain, yahoo, daily = Path(folder) / "plain.csv", Path(folder) / "yahoo.csv", Path(folder) / "daily.csv"
        write_plain_minutes(plain, args.bars)
        write_yahoo_minutes(yahoo, args.bars)
        write_yahoo_days(daily, min(args.bars, DAILY_DAYS))
        report("plain minute bars (timestamp,open,…; ISO times with Z)", plain, args.bars, args.repeat)
        report("Yahoo-style minute bars (Date,Open,…,Adj Close,Volume)", yahoo, args.bars, args.repeat)
        report("Yahoo-style daily bars, 1970-2099", daily, min(args.bars, DAILY_DAYS), args.repeat)


if __name__ == "__main__":
    main()
