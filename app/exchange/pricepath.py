"""A seeded random walk whose value at bar k is a pure function of (seed, symbol, k).

Any past window can be regenerated without replaying history: the walk is built top-down as nested
Brownian bridges. Points every BRANCH**LEVELS bars form a plain random walk (a handful of steps since
1970); each level below fills a segment between two known points with a bridge of BRANCH steps drawn
from a counter-based generator (Philox) keyed on (seed, symbol, level, segment). The result has
exactly the law of a Gaussian random walk with unit variance per bar.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

BRANCH = 1024
LEVELS = 3  # top points every 2**30 bars: ~34 years of 1-second bars per top step
_OFFSET = 2**40  # SeedSequence entropy must be non-negative; segment numbers may be negative
WICK_STREAM = 97  # a separate stream of draws for wicks, volumes and trade counts


def symbol_key(symbol: str) -> int:
    """A stable integer per symbol (Python's hash() is salted per process)."""
    return zlib.crc32(symbol.encode())


class RandomWalk:
    """W(k): a standard Gaussian random walk over bar indices, W(0) = 0."""

    def __init__(self, seed: int, key: int) -> None:
        self._seed = seed
        self._key = key
        self.segment = lru_cache(maxsize=512)(self._segment)
        self._top = lru_cache(maxsize=64)(self._top_point)

    def draws(self, stream: int, index: int, count: int) -> np.ndarray:
        """`count` standard normals for (stream, index), reproducible on any machine."""
        entropy = [self._seed, self._key, stream, index + _OFFSET]
        generator = np.random.Generator(np.random.Philox(np.random.SeedSequence(entropy)))
        return generator.standard_normal(count)

    def block(self, block: int) -> np.ndarray:
        """W at bars block*BRANCH .. (block+1)*BRANCH inclusive (BRANCH + 1 values)."""
        return self.segment(1, block)

    def at(self, k: int) -> float:
        block, offset = divmod(k, BRANCH)
        return float(self.block(block)[offset])

    def _point(self, level: int, j: int) -> float:
        """W at bar j * BRANCH**level."""
        if level == LEVELS:
            return self._top(j)
        parent, offset = divmod(j, BRANCH)
        return float(self.segment(level + 1, parent)[offset])

    def _top_point(self, j: int) -> float:
        step = float(BRANCH**LEVELS) ** 0.5
        if j >= 0:
            return float(sum(self.draws(LEVELS, i, 1)[0] for i in range(j))) * step
        return -float(sum(self.draws(LEVELS, i, 1)[0] for i in range(j, 0))) * step

    def _segment(self, level: int, j: int) -> np.ndarray:
        """A bridge of BRANCH steps (each of variance BRANCH**(level-1)) between two level points."""
        start, end = self._point(level, j), self._point(level, j + 1)
        steps = self.draws(level - 1, j, BRANCH) * float(BRANCH ** (level - 1)) ** 0.5
        free = np.concatenate(([0.0], np.cumsum(steps)))
        fraction = np.arange(BRANCH + 1) / BRANCH
        values = start + free - fraction * free[-1] + fraction * (end - start)
        values.setflags(write=False)
        return values
