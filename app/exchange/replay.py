"""Replay: stored bars (real data fetched or imported into Weaver) played as the exchange's market, so a
paper run can be rehearsed on a real day.

Exchange bar k plays stored bar `lead + (k - anchor_bar)`: the bar under way when the exchange started
is the replay's first bar, the `lead` stored bars before it are history (a strategy's warm-up: every
bar stored before the start). Stored bars play one per exchange bar, gaps (nights, weekends) skipped,
so `--replay-speed 60` over minute bars (one-second exchange bars) plays a trading day in six and a
half minutes. Times are the exchange's own (now); prices and volumes are the stored ones (rounded to
the cent).

Where nothing is stored (before the first stored bar, after the last) there is no bar: such exchange
bars carry no trades (n = 0), and the bars API leaves them out, as Alpaca leaves out a minute nobody
traded. The price still stands at the first open before them and at the last close after them, so
quotes and resting orders have a price; with no volume nothing fills there. A stored bar is a bar
even when its stored volume is 0 (it counts one trade).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.exchange.series import AVERAGE_TRADE_SIZE, Bars


@dataclass(frozen=True)
class StoredBars:
    """One symbol's stored bars, oldest first; `lead` of them come before the replay's first bar."""

    symbol: str
    o: np.ndarray
    h: np.ndarray
    low: np.ndarray
    c: np.ndarray
    v: np.ndarray
    lead: int

    def __post_init__(self) -> None:
        if len(self.o) == 0:
            raise ValueError(f"no stored bars to replay for {self.symbol}")
        if not 0 <= self.lead < len(self.o):
            raise ValueError(f"{self.symbol}: no stored bar at or after the replay start")


class ReplaySeries:
    """SymbolSeries' interface (bars, open_price) over stored bars."""

    def __init__(self, stored: StoredBars, anchor_bar: int) -> None:
        self.stored = stored
        self.first = anchor_bar - stored.lead  # the exchange bar that plays stored bar 0
        self._traded = np.flatnonzero(stored.v > 0)  # stored bars with volume, in order

    def bars(self, k0: int, k1: int) -> Bars:
        k = np.arange(k0, max(k1, k0), dtype=np.int64)
        i = k - self.first
        inside = (i >= 0) & (i < len(self.stored.o))
        at = np.clip(i, 0, len(self.stored.o) - 1)
        s = self.stored
        flat = np.where(i < 0, s.o[0], s.c[-1])
        o, h, low, c = (np.where(inside, column[at], flat) for column in (s.o, s.h, s.low, s.c))
        v = np.where(inside, s.v[at], 0.0)
        n = np.where(inside, np.maximum(np.rint(v / AVERAGE_TRADE_SIZE), 1.0), 0.0)  # 0: no bar here
        return Bars(k, o, h, low, c, v, n)

    def last_traded(self, k: int) -> int | None:
        """The latest exchange bar at or before k that played a stored bar with volume (None: none yet)."""
        count = int(np.searchsorted(self._traded, k - self.first, side="right"))
        return self.first + int(self._traded[count - 1]) if count else None

    def open_price(self, k: int) -> float:
        return float(self.bars(k, k + 1).o[0])
