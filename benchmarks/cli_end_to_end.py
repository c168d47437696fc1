"""What a user waits for: `weaver backtest --data FILE --json OUT` against backtesting.py end to end,
on the same 1M-minute-bar CSV, side by side in the same minutes (the runs alternate).

backtesting.py end to end: pandas.read_csv, Backtest(...).run() of the same SMA 10/20 crossover (on
the same SMA values, so both take the same trades), and its trades and equity curve written as JSON,
as `--json` writes Weaver's. Both sides are fresh processes (imports included). Prints each side's best wall time,
the ratio, peak RSS and both trade counts.

Usage: .venv/bin/python -m benchmarks.cli_end_to_end [--bars 1000000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.greta.data.synthetic import synthetic_bars

ROOT = Path(__file__).resolve().parent.parent

PEER = """
import sys, warnings
import pandas as pd
from backtesting import Backtest, Strategy
from app.marvin.indicators import crossed_above, crossed_below, sma  # lib.crossover misses a cross through a tie

class SmaCross(Strategy):  # Greta's sma_cross, long only, on the same (settled, vectorised) SMA values
    def init(self):
        self.fast = self.I(sma, self.data.Close, 10)
        self.slow = self.I(sma, self.data.Close, 20)

    def next(self):
        if crossed_above(self.fast, self.slow) and not self.position:
            self.buy(size=0.9999)
        elif crossed_below(self.fast, self.slow) and self.position:
            self.position.close()

warnings.simplefilter("ignore")
data = pd.read_csv(sys.argv[1], index_col="timestamp", parse_dates=True)
data.columns = ["Open", "High", "Low", "Close", "Volume"]
data.index = data.index.tz_localize(None)
stats = Backtest(data, SmaCross, cash=100_000_000, commission=0.0).run()
with open(sys.argv[2], "w") as out:
    out.write('{"trades":' + stats["_trades"].to_json(orient="records", date_format="iso")
              + ',"equity":' + stats["_equity_curve"].to_json(orient="records", date_format="iso") + "}")
print(int(stats["# Trades"]))
"""


def write_csv(path: Path, bars: int) -> None:
    frame = synthetic_bars("SYN", bars, seed=3, timeframe="1Min")
    stamps = np.datetime_as_string(frame.ts.astype("datetime64[ns]"), unit="s")
    with path.open("w") as out:
        out.write("timestamp,open,high,low,close,volume\n")
        for i in range(len(frame.ts)):
            out.write(f"{stamps[i]}Z,{frame.open[i]:.4f},{frame.high[i]:.4f},{frame.low[i]:.4f},"
                      f"{frame.close[i]:.4f},{int(frame.volume[i])}\n")


def timed(args: list[str]) -> tuple[float, int, str]:
    """Wall seconds, the child's peak RSS (MiB, as GNU time reports it) and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "peak-rss-kib %M", *args], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    elapsed = time.perf_counter() - started
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak-rss-kib"))
    return elapsed, int(peak.split()[1]) // 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "bars.csv", Path(folder) / "out.json"
        write_csv(data, args.bars)
        weaver = [sys.executable, "-m", "app", "backtest", "--data", str(data), "--strategy", "sma_cross",
                  "--param", "fast=10", "--param", "slow=20", "--param", "percent=99.99", "--cash", "100000000",
                  "--json", str(out), "--quiet"]
        peer = [sys.executable, "-c", PEER, str(data), str(out)]
        best = {"weaver": float("inf"), "backtesting.py": float("inf")}
        peaks, said = {}, {}
        for _ in range(args.repeat):
            for name, command in (("weaver", weaver), ("backtesting.py", peer)):
                seconds, peak, stdout = timed(command)
                best[name] = min(best[name], seconds)
                peaks[name] = max(peaks.get(name, 0), peak)
                said[name] = stdout.strip().splitlines()[-1]
    print(f"{args.bars:,} minute bars from CSV, SMA 10/20, JSON out; best of {args.repeat}, alternating")
    for name in best:
        print(f"  {name:<15} {best[name]:6.2f} s  {args.bars / best[name]:>10,.0f} bars/s  peak RSS ~{peaks[name]} MiB"
              f"  ({said[name]})")
    print(f"  ratio: Weaver is {best['backtesting.py'] / best['weaver']:.1f}x faster end to end")


if __name__ == "__main__":
    main()
