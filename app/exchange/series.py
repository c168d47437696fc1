"""Raw synthetic bars of one symbol: geometric Brownian motion on the seeded random walk.

Bar k opens at P(k) and closes at P(k+1), so consecutive bars join; wicks, volume and trade counts
come from a second keyed stream. Values are unrounded and carry no overlays (pins); see market.py.

Like a market: every symbol's walk mixes a common market walk and its own (weights √ρ and √(1-ρ) of
two standard Gaussian walks: a walk again, with correlation ρ between any two symbols' returns). The
log price's excursion from its trend is bounded softly (L·tanh(x/L), L = ln 2.5), so history decades
back stays within a factor of 2.5 of the trend (which grows by the symbol's drift, 7 % a year unless
set) instead of wandering to absurd levels, while over months the walk is nearly untouched. Volume
follows the intraday U (about twice the average at the open and the close, half of it at midday, a
tenth outside 09:30–16:00 New York time; crypto pairs, trading 24/7, have no U) and varies from day
to day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from app.exchange.config import SymbolConfig
from app.exchange.pricepath import BRANCH, WICK_STREAM, RandomWalk, symbol_key

MS_PER_YEAR = 365.25 * 86_400_000
AVERAGE_TRADE_SIZE = 60.0  # shares
AVERAGE_CRYPTO_TRADE_USD = 3_000.0  # a crypto pair's trades are a few thousand dollars each, whatever the coin
MARKET_KEY = 0x4D4B5431  # the common market walk every symbol shares a part of
EXCURSION_BOUND = math.log(2.5)
DAY_STREAM = 98  # day-to-day volume factors
NEW_YORK = ZoneInfo("America/New_York")
DAY_MS = 86_400_000
SESSION_OPEN_MS, SESSION_CLOSE_MS = (9 * 60 + 30) * 60_000, 16 * 3_600_000
OFF_SESSION_VOLUME = 0.1


def intraday_volume_shape(ms_of_day: np.ndarray) -> np.ndarray:
    """The U of a trading day, mean 1 over 09:30–16:00 (2 at the open and close, 0.5 at midday)."""
    x = (ms_of_day - SESSION_OPEN_MS) / (SESSION_CLOSE_MS - SESSION_OPEN_MS)
    inside = (x >= 0) & (x < 1)
    return np.where(inside, (0.4 + 4.8 * (x - 0.5) ** 2) / 0.8, OFF_SESSION_VOLUME)


def new_york_ms(t_ms: np.ndarray) -> np.ndarray:
    """Epoch ms shifted to New York wall time (the offset looked up once per distinct hour)."""
    hours = t_ms // 3_600_000
    unique, inverse = np.unique(hours, return_inverse=True)
    offsets = np.array([datetime.fromtimestamp(int(h) * 3600, UTC).astimezone(NEW_YORK).utcoffset().total_seconds()
                        * 1000 for h in unique], dtype=np.int64)
    return t_ms + offsets[inverse]


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

    def __init__(self, config: SymbolConfig, seed: int, bar_ms: int, anchor_bar: int,
                 correlation: float = 0.0) -> None:
        self.config = config
        self.bar_ms = bar_ms
        self.walk = RandomWalk(seed, symbol_key(config.symbol))
        self.market_walk = RandomWalk(seed, MARKET_KEY)
        self.own, self.common = math.sqrt(1 - correlation), math.sqrt(correlation)  # pairwise correlation
        years_per_bar = bar_ms / MS_PER_YEAR
        self.sigma = config.volatility * math.sqrt(years_per_bar)
        self.mu = (config.drift - config.volatility**2 / 2) * years_per_bar
        self.anchor_bar = anchor_bar
        self.mean_volume = max(config.volume_per_second * bar_ms / 1000, 1.0)
        self.crypto = config.asset_class == "crypto"  # 24/7: no intraday U; trades sized in dollars
        self.trade_size = AVERAGE_CRYPTO_TRADE_USD / config.price if self.crypto else AVERAGE_TRADE_SIZE
        self._log_price = math.log(config.price)
        self._w_anchor = self._w_at(anchor_bar)
        self.block = lru_cache(maxsize=256)(self._block)

    def _w_at(self, k: int) -> float:
        return self.common * self.market_walk.at(k) + self.own * self.walk.at(k)

    def _log_prices(self, w: np.ndarray | float, k: np.ndarray | int) -> np.ndarray | float:
        excursion = EXCURSION_BOUND * np.tanh(self.sigma * (w - self._w_anchor) / EXCURSION_BOUND)
        return self._log_price + excursion + self.mu * (k - self.anchor_bar)

    def open_price(self, k: int) -> float:
        """P(k), the open of bar k (and close of bar k - 1)."""
        return math.exp(float(self._log_prices(self._w_at(k), k)))

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
        w = self.common * self.market_walk.block(block) + self.own * self.walk.block(block)
        price = np.exp(self._log_prices(w, k))
        o, c = price[:-1], price[1:]
        noise = self.walk.draws(WICK_STREAM, block, 4 * BRANCH).reshape(4, BRANCH)
        h = np.maximum(o, c) * np.exp(np.abs(noise[0]) * self.sigma * 0.6)
        low = np.minimum(o, c) * np.exp(-np.abs(noise[1]) * self.sigma * 0.6)
        v = np.maximum(np.rint(self.mean_volume * self._volume_shape(k[:-1]) * np.exp(0.5 * noise[2] - 0.125)), 1.0)
        n = np.maximum(np.rint(v / self.trade_size * np.exp(0.3 * noise[3])), 1.0)
        result = Bars(k[:-1], o, h, low, c, v, n)
        for column in Bars.__dataclass_fields__:
            getattr(result, column).setflags(write=False)
        return result

    def _volume_shape(self, k: np.ndarray) -> np.ndarray:
        """Each bar's volume against the average: the intraday U (bars of a day or more: 1) times the
        day's own factor (lognormal, about ±25 %)."""
        local = new_york_ms(k * self.bar_ms)
        day = local // DAY_MS
        first = int(day[0])
        factors = np.exp(0.25 * self.walk.draws(DAY_STREAM, first, int(day[-1]) - first + 1) - 0.03125)
        shape = factors[day - first]
        if self.bar_ms < DAY_MS and not self.crypto:
            shape = shape * intraday_volume_shape(local % DAY_MS + self.bar_ms // 2)
        return shape
