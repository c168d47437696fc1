"""backtesting.py's engine on the same bars and strategy as Greta's SMA case, run in the same minute.

The machine's speed varies threefold from hour to hour, so Greta's speed is reported as a ratio to
this peer measured right beside it: SMA crossover 10/20, all-in, long only, market orders at the next
open, no fees. Both sides read the same SMA values (Greta's `sma`, settled to 12 significant digits,
so a float tie is no phantom cross on either side) and so take the same trades. backtesting.py is a
dev dependency; only its `Backtest.run()` is timed, on a DataFrame built beforehand.
"""

from __future__ import annotations

import time
import warnings

import pandas as pd
from backtesting import Backtest, Strategy

from app.marvin import BarFrame
from app.marvin.indicators import (  # backtesting.py's lib.crossover misses a cross through an exact tie
    crossed_above,
    crossed_below,
    sma,
)


class PeerSmaCross(Strategy):
    fast = 10
    slow = 20

    def init(self) -> None:
        self.fast_sma = self.I(sma, self.data.Close, self.fast)
        self.slow_sma = self.I(sma, self.data.Close, self.slow)

    def next(self) -> None:
        if crossed_above(self.fast_sma, self.slow_sma) and not self.position:
            self.buy(size=0.9999)
        elif crossed_below(self.fast_sma, self.slow_sma) and self.position:
            self.position.close()


def peer_frame(frame: BarFrame) -> pd.DataFrame:
    """The bars as backtesting.py takes them (built once, outside the timed run)."""
    index = pd.to_datetime(frame.ts, utc=True).tz_localize(None)
    return pd.DataFrame({"Open": frame.open, "High": frame.high, "Low": frame.low, "Close": frame.close,
                         "Volume": frame.volume}, index=index)


def peer_run(data: pd.DataFrame) -> tuple[float, float, int]:
    """Wall and CPU seconds of one backtesting.py `run()` on the bars, and its closed trades."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        engine = Backtest(data, PeerSmaCross, cash=100_000_000, commission=0.0)
        started, cpu = time.perf_counter(), time.process_time()
        stats = engine.run()
        return time.perf_counter() - started, time.process_time() - cpu, int(stats["# Trades"])

