"""What tests did to a symbol's price: pins (a fixed price until released) and the rescaling after.

A pin at time t in bar k rewrites bar k (its close becomes the pin, its wicks widen to reach it) and
flattens every later bar at the pin until released. Releasing at bar m keeps bar m at the pin and
rescales the process from bar m + 1 by pin / P(m + 1), so the walk resumes from the pinned price
rather than jumping back. History stays reproducible for the same sequence of pins.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

Ohlc = tuple[float, float, float, float]


@dataclass
class Overlay:
    """The pins of one symbol; bar indices are the exchange's base bars."""

    factor_starts: list[int] = field(default_factory=list)
    factors: list[float] = field(default_factory=list)
    rewritten: dict[int, Ohlc] = field(default_factory=dict)
    flats: list[tuple[int, int | None, float]] = field(default_factory=list)  # [start, end) at price
    pin: float | None = None

    def factor(self, k: int) -> float:
        i = bisect.bisect_right(self.factor_starts, k) - 1
        return self.factors[i] if i >= 0 else 1.0

    def fixed_close(self, k: int) -> float | None:
        """The price a pinned or rewritten bar holds, or None when bar k follows the process."""
        if k in self.rewritten:
            return self.rewritten[k][3]
        for start, end, price in self.flats:
            if start <= k and (end is None or k < end):
                return price
        return None

    def apply(self, k: np.ndarray, o: np.ndarray, h: np.ndarray, low: np.ndarray, c: np.ndarray) -> None:
        """Rewrite columns of raw bars in place (they must be copies)."""
        if not len(k):
            return
        if self.factor_starts:
            index = np.searchsorted(np.asarray(self.factor_starts), k, side="right") - 1
            scale = np.where(index >= 0, np.asarray(self.factors)[np.maximum(index, 0)], 1.0)
            for column in (o, h, low, c):
                column *= scale
        first, last = int(k[0]), int(k[-1])
        for start, end, price in self.flats:
            lo, hi = max(start, first), min(end if end is not None else last + 1, last + 1)
            if lo < hi:
                for column in (o, h, low, c):
                    column[lo - first : hi - first] = price
        for bar, values in self.rewritten.items():
            if first <= bar <= last:
                for column, value in zip((o, h, low, c), values, strict=True):
                    column[bar - first] = value

    def set_pin(self, k: int, so_far: tuple[float, float, float], price: float) -> None:
        """Pin from bar k on; `so_far` is bar k's (open, high, low) up to the pin."""
        o, h, low = so_far
        self.rewritten[k] = (o, max(h, price), min(low, price), price)
        self._end_open_flat(k)
        self.flats.append((k + 1, None, price))
        self.pin = price

    def release(self, k: int, next_open_raw: float) -> None:
        """Bar k keeps the pin; bar k + 1 opens at it and the process follows, rescaled."""
        if self.pin is None:
            return
        self._end_open_flat(k + 1)
        self.factor_starts.append(k + 1)
        self.factors.append(self.pin / next_open_raw)
        self.pin = None

    def _end_open_flat(self, end: int) -> None:
        if self.flats and self.flats[-1][1] is None:
            start, _, price = self.flats.pop()
            if start < end:
                self.flats.append((start, end, price))
