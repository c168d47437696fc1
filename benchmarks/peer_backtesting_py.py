"""backtesting.py's engine on the same bars and strategy as Greta's SMA case, run in the same minute.

The machine's speed varies threefold from hour to hour, so Greta's speed is reported as a ratio to
this peer measured right beside it: SMA crossover 10/20, all-in, long only, market orders at the next
open, no fees. backtesting.py is a dev dependency; its SMA is a pandas rolling mean (vectorised, as
Greta's), so both sides time the whole `run()`.
"""

from __future__ import annotations

import time
import warnings

import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover

from app.marvin import BarFrame


def _sma(values, n: int):
    return pd.Series(values).rolling(n).mean().to_numpy()


class PeerSmaCross(Strategy):
    fast = 10
    slow = 20

    def init(self) -> None:
        self.fast_sma = self.I(_sma, self.data.Close, self.fast)
        self.slow_sma = self.I(_sma, self.data.Close, self.slow)

    def next(self) -> None:
        if crossover(self.fast_sma, self.slow_sma) and not self.position:
            self.buy(size=0.9999)
        elif crossover(self.slow_sma, self.fast_sma) and self.position:
            self.position.close()


def peer_seconds(frame: BarFrame, repeat: int) -> tuple[float, int]:
    """Best wall time of backtesting.py's run() on the frame, and its trade count."""
    index = pd.to_datetime(frame.ts, utc=True).tz_localize(None)
    data = pd.DataFrame({"Open": frame.open, "High": frame.high, "Low": frame.low, "Close": frame.close,
                         "Volume": frame.volume}, index=index)
    best, trades = float("inf"), 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            engine = Backtest(data, PeerSmaCross, cash=100_000_000, commission=0.0, finalize_trades=True)
            started = time.perf_counter()
            stats = engine.run()
            best = min(best, time.perf_counter() - started)
            trades = int(stats["# Trades"])
    return best, trades
