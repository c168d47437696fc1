"""Market: several symbols on one clock.

Alignment rule: the timeline is the union of every symbol's timestamps. At a step where a symbol has
no bar, nothing is invented for it: its lines do not grow (its `close[-1]` stays its last real
bar), its orders cannot fill, and positions in it are marked at its last close. Forward-filled or
dropped bars would fake prices or hide real ones, which matters when comparing against other tools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from app.marvin.bars import BarFrame, DataError, frames_by_symbol


class Market:
    """Frames (the first is the primary symbol) and their union timeline (int64 epoch ns)."""

    __slots__ = ("frames", "symbols", "timeline", "aligned", "timeframe", "_index", "_rows", "_last_rows")

    def __init__(self, frames: Sequence[BarFrame]):
        if not frames:
            raise DataError("no bars: give at least one symbol")
        by_symbol = frames_by_symbol(frames)
        timeframes = {frame.timeframe for frame in frames}
        if len(timeframes) > 1:
            raise DataError(f"symbols have different timeframes: {sorted(timeframes)}")
        self.frames: tuple[BarFrame, ...] = tuple(by_symbol.values())
        self.symbols: tuple[str, ...] = tuple(by_symbol)
        self._index = {symbol: k for k, symbol in enumerate(self.symbols)}
        self.timeframe: str = frames[0].timeframe
        first = self.frames[0].ts
        self.aligned = all(len(f.ts) == len(first) and np.array_equal(f.ts, first) for f in self.frames)
        self.timeline = first if self.aligned else np.unique(np.concatenate([f.ts for f in self.frames]))
        self._rows: list[np.ndarray | None] = [None] * len(self.frames)
        self._last_rows: list[np.ndarray | None] = [None] * len(self.frames)

    @classmethod
    def of(cls, data: Market | BarFrame | Sequence[BarFrame] | Mapping[str, BarFrame]) -> Market:
        if isinstance(data, Market):
            return data
        if isinstance(data, BarFrame):
            return cls([data])
        if isinstance(data, Mapping):
            return cls(list(data.values()))
        return cls(list(data))

    def __len__(self) -> int:
        return len(self.timeline)

    def index_of(self, symbol: str) -> int:
        try:
            return self._index[symbol]
        except KeyError:
            raise KeyError(f"unknown symbol {symbol!r}; this run trades {', '.join(self.symbols)}") from None

    def rows(self, k: int) -> np.ndarray:
        """Row of symbol k at each step, -1 where it has no bar (identity when aligned)."""
        cached = self._rows[k]
        if cached is None:
            frame = self.frames[k]
            cached = np.full(len(self.timeline), -1, dtype=np.int64)
            cached[np.searchsorted(self.timeline, frame.ts)] = np.arange(len(frame.ts), dtype=np.int64)
            self._rows[k] = cached
        return cached

    def last_rows(self, k: int) -> np.ndarray:
        """Last row of symbol k at or before each step (-1 before its first bar)."""
        cached = self._last_rows[k]
        if cached is None:
            cached = np.searchsorted(self.frames[k].ts, self.timeline, side="right").astype(np.int64) - 1
            self._last_rows[k] = cached
        return cached

    def last_row(self, k: int, step: int) -> int:
        """Last row of symbol k at or before `step`, without building whole arrays."""
        if self.aligned:
            return step
        return int(np.searchsorted(self.frames[k].ts, self.timeline[step], side="right")) - 1

    def row_at(self, k: int, step: int) -> int:
        """Row of symbol k exactly at `step`, or -1."""
        if self.aligned:
            return step
        return int(self.rows(k)[step])

    def head(self, steps: int) -> Market:
        """The market truncated to its first `steps` steps (what was known at the close of step-1)."""
        cutoff = self.timeline[steps - 1]
        frames = [f.head(int(np.searchsorted(f.ts, cutoff, side="right"))) for f in self.frames]
        return Market(frames)  # a symbol may have no bar yet; it keeps its place

    def closes_on_timeline(self, k: int) -> np.ndarray:
        """Symbol k's close carried forward over the timeline (NaN before its first bar)."""
        close = self.frames[k].close
        if self.aligned:
            return close
        last = self.last_rows(k)
        out = np.full(len(self.timeline), np.nan)
        has = last >= 0
        out[has] = close[last[has]]
        return out
