"""The tape: trade prints inside each bar, consistent with it, a pure function of (seed, symbol, bar).

A bar reporting n trades and volume v prints min(n, v, MAX_PRINTS) trades whose sizes sum to v exactly
(none for a bar without volume: where a replay stored nothing, Alpaca's tape is silent too).
The prints follow the bar's price path (market.py: open -> low -> high -> close, or open -> high -> low
-> close): with two prints or more the first is at the open and the last at the close, with four or more
two more sit on the path's turning points, so the prints reproduce the bar's open, high, low and close.
Every print lies within [low, high] and inside the bar's time span. Each print also carries the quote
sizes (round lots) and how volatile the bar before it was (known by then, so a quote never tells what
the rest of its own bar will do), which quotes.py turns into a bid and an ask.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.exchange.config import SymbolConfig
from app.exchange.market import Market
from app.exchange.pricepath import BRANCH, symbol_key
from app.exchange.series import MS_PER_YEAR, Bars

MAX_PRINTS = 50  # a bar reporting more trades prints this many larger ones (sizes still sum to its volume)
PRINT_STREAM = 131  # its own stream of draws, apart from the price walk's and the wicks'
_OFFSET = 2**40
TYPICAL_RANGE = 1.76  # E[(high - low) / close] of a bar, in units of the per-bar sigma (see series.py)


@dataclass(frozen=True)
class Prints:
    """Columns of the prints of consecutive bars, in time order (t in microseconds since the epoch)."""

    t_us: np.ndarray
    price: np.ndarray
    size: np.ndarray
    id: np.ndarray
    bid_lots: np.ndarray
    ask_lots: np.ndarray
    range_ratio: np.ndarray  # the previous bar's (high - low) / close over its typical value

    def __len__(self) -> int:
        return len(self.t_us)

    def take(self, mask: np.ndarray) -> Prints:
        return Prints(*(getattr(self, f)[mask] for f in Prints.__dataclass_fields__))


class Tape:
    """Prints of every symbol of a market; thread-safe (the caches hold read-only arrays)."""

    def __init__(self, market: Market, seed: int) -> None:
        self.market = market
        self.seed = seed
        self.bar_us = market.bar_ms * 1000
        self._draws = lru_cache(maxsize=32)(self._block_draws)

    def prints(self, symbol: str, k0: int, k1: int) -> Prints:
        """Prints of bars k0 .. k1 - 1."""
        if k1 <= k0:
            return _empty()
        with_previous = self.market.bars(symbol, k0 - 1, k1)
        bars = Bars(*(getattr(with_previous, f)[1:] for f in Bars.__dataclass_fields__))
        u, w, lots = self._draws_for(symbol, k0, k1)
        count = np.clip(np.minimum(np.minimum(bars.n, bars.v), MAX_PRINTS), 0, None).astype(np.int64)  # 0: no trades
        columns = np.arange(MAX_PRINTS)
        active = columns[None, :] < count[:, None]
        frac = _fractions(u.astype(float), count, self.bar_us)
        frac = np.sort(np.where(active, frac, 2.0), axis=1)
        price = _path_price(bars, frac)
        last = (count - 1)[:, None] == columns[None, :]
        price = np.where(last & (count[:, None] >= 2), bars.c[:, None], price)
        price = np.clip(np.round(price, 2), bars.low[:, None], bars.h[:, None])
        size = _sizes(w.astype(float), active, bars.v.astype(np.int64), count)
        k = bars.k.astype(np.int64)[:, None]
        t_us = k * self.bar_us + np.floor(np.minimum(frac, 1.0) * self.bar_us).astype(np.int64)
        ids = k * MAX_PRINTS + columns[None, :]
        ratio = range_ratio(self.market.configs[symbol], self.market.bar_ms, with_previous)[:-1]
        ratio = np.broadcast_to(ratio[:, None], active.shape)
        return Prints(t_us[active], price[active], size[active], ids[active], lots[..., 0][active],
                      lots[..., 1][active], ratio[active])

    def _draws_for(self, symbol: str, k0: int, k1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = []
        for block in range(k0 // BRANCH, (k1 - 1) // BRANCH + 1):
            lo, hi = max(k0 - block * BRANCH, 0), min(k1 - block * BRANCH, BRANCH)
            parts.append(tuple(a[lo:hi] for a in self._draws(symbol, block)))
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[return-value]

    def _block_draws(self, symbol: str, block: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Uniform times, size weights and quote lots for the BRANCH bars of one block."""
        entropy = [self.seed, symbol_key(symbol), PRINT_STREAM, block + _OFFSET]
        rng = np.random.Generator(np.random.Philox(np.random.SeedSequence(entropy)))
        u = rng.random((BRANCH, MAX_PRINTS), dtype=np.float32)
        w = rng.exponential(size=(BRANCH, MAX_PRINTS)).astype(np.float32)
        lots = rng.integers(1, 11, size=(BRANCH, MAX_PRINTS, 2), dtype=np.int8)
        for array in (u, w, lots):
            array.setflags(write=False)
        return u, w, lots


def range_ratio(config: SymbolConfig, bar_ms: int, bars: Bars) -> np.ndarray:
    """Each bar's high-low range against the symbol's typical bar range: how much wider the next quotes are."""
    sigma = config.volatility * math.sqrt(bar_ms / MS_PER_YEAR)
    typical = max(TYPICAL_RANGE * sigma, 1e-9)
    return (bars.h - bars.low) / np.maximum(bars.c, 0.01) / typical


def _empty() -> Prints:
    ints, floats = np.zeros(0, dtype=np.int64), np.zeros(0)
    return Prints(ints, floats, ints, ints, ints, ints, floats)


def _fractions(u: np.ndarray, count: np.ndarray, bar_us: int) -> np.ndarray:
    """Where in the bar each print falls: random, except the open, the turning points and the close."""
    frac = u.copy()
    two, four = count >= 2, count >= 4
    frac[two, 0] = 0.0
    frac[four, 1] = 1 / 3
    frac[four, 2] = 2 / 3
    rows = np.flatnonzero(two)
    frac[rows, count[rows] - 1] = (bar_us - 1) / bar_us
    return frac


def _path_price(bars: Bars, frac: np.ndarray) -> np.ndarray:
    rising = (bars.c >= bars.o)[:, None]
    first = np.where(rising, bars.low[:, None], bars.h[:, None])
    second = np.where(rising, bars.h[:, None], bars.low[:, None])
    vertices = np.stack([np.broadcast_to(bars.o[:, None], frac.shape), np.broadcast_to(first, frac.shape),
                         np.broadcast_to(second, frac.shape), np.broadcast_to(bars.c[:, None], frac.shape)])
    scaled = np.clip(frac, 0.0, 1.0) * 3
    segment = np.minimum(scaled.astype(np.int64), 2)
    local = scaled - segment
    start = np.take_along_axis(vertices, segment[None], axis=0)[0]
    end = np.take_along_axis(vertices, segment[None] + 1, axis=0)[0]
    return start + (end - start) * local


def _sizes(w: np.ndarray, active: np.ndarray, volume: np.ndarray, count: np.ndarray) -> np.ndarray:
    """At least one share per print, the rest shared by the weights; the rounding remainder goes to the
    largest print, so a bar's prints add up to its volume."""
    weights = np.where(active, w + 1e-6, 0.0)
    share = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)  # a bar with no prints: all 0
    sizes = np.where(active, 1 + np.floor(share * (volume - count)[:, None]), 0).astype(np.int64)
    remainder = volume - sizes.sum(axis=1)
    sizes[np.arange(len(sizes)), np.argmax(weights, axis=1)] += remainder
    return sizes
