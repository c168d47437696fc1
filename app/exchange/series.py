"""Raw synthetic bars of one symbol: geometric Brownian motion on the seeded random walk.

Bar k opens at P(k) and closes at P(k+1), so consecutive bars join; wicks, volume and trade counts
come from a second keyed stream. Values are unrounded and carry no overlays (pins); see market.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.exchange.config import SymbolConfig
from app.exchange.pricepath import BRANCH, WICK_STREAM, RandomWalk, symbol_key

MS_PER_YEAR = 365.25 * 86_400_000
AVERAGE_TRADE_SIZE = 60.0


@dataclass(frozen=True)
class Bars:
    """Columns of consecutive bars k0 .. k0+len-1 (prices as floats, volumes as integers)."""

    k: np.ndarray
    o: np.ndarray
    h: np.ndarray
    low: np.ndarray
    c: np.ndarray
    v: np.ndarray
    n: np.ndarray

    def __len__(self) -> int:
        return len(self.k)

    @staticmethod
    def concat(parts: list[Bars]) -> Bars:
        if not parts:
            empty = np.zeros(0)
            return Bars(empty.astype(np.int64), empty, empty, empty, empty, empty, empty)
        return Bars(*(np.concatenate([getattr(p, f) for p in parts]) for f in Bars.__dataclass_fields__))


class SymbolSeries:
    """The unrounded, un-overlaid bars of one symbol; a pure function of its config, seed and anchor."""

    def __init__(self, config: SymbolConfig, seed: int, bar_ms: int, anchor_bar: int) -> None:
        self.config = config
        self.walk = RandomWalk(seed, symbol_key(config.symbol))
        years_per_bar = bar_ms / MS_PER_YEAR
        self.sigma = config.volatility * math.sqrt(years_per_bar)
        self.mu = (config.drift - config.volatility**2 / 2) * years_per_bar
        self.anchor_bar = anchor_bar
        self.mean_volume = max(config.volume_per_second * bar_ms / 1000, 1.0)
        self._log_anchor = math.log(config.price) - self.sigma * self.walk.at(anchor_bar)
        self.block = lru_cache(maxsize=256)(self._block)

    def open_price(self, k: int) -> float:
        """P(k), the open of bar k (and close of bar k - 1)."""
        return math.exp(self._log_anchor + self.sigma * self.walk.at(k) + self.mu * (k - self.anchor_bar))

    def bars(self, k0: int, k1: int) -> Bars:
        """Bars k0 .. k1 - 1."""
        if k1 <= k0:
            return Bars.concat([])
        first, last = k0 // BRANCH, (k1 - 1) // BRANCH
        parts = []
        for block in range(first, last + 1):
            data = self.block(block)
            lo = max(k0 - block * BRANCH, 0)
            hi = min(k1 - block * BRANCH, BRANCH)
            parts.append(Bars(*(getattr(data, f)[lo:hi] for f in Bars.__dataclass_fields__)))
        return Bars.concat(parts)

    def _block(self, block: int) -> Bars:
        k = np.arange(block * BRANCH, (block + 1) * BRANCH + 1, dtype=np.int64)
        log_price = self._log_anchor + self.sigma * self.walk.block(block) + self.mu * (k - self.anchor_bar)
        price = np.exp(log_price)
        o, c = price[:-1], price[1:]
        noise = self.walk.draws(WICK_STREAM, block, 4 * BRANCH).reshape(4, BRANCH)
        h = np.maximum(o, c) * np.exp(np.abs(noise[0]) * self.sigma * 0.6)
        low = np.minimum(o, c) * np.exp(-np.abs(noise[1]) * self.sigma * 0.6)
        v = np.maximum(np.rint(self.mean_volume * np.exp(0.5 * noise[2] - 0.125)), 1.0)
        n = np.maximum(np.rint(v / AVERAGE_TRADE_SIZE * np.exp(0.3 * noise[3])), 1.0)
        result = Bars(k[:-1], o, h, low, c, v, n)
        for column in Bars.__dataclass_fields__:
            getattr(result, column).setflags(write=False)
        return result
