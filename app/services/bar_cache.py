"""Bars read once per process, shared by every later run (seed: the BarRepository is a singleton of
immutable data).

Stored bars never change: imports keep an existing (series, ts) as it is and nothing deletes bars.
So a window of a series, once read, stays right for as long as no bar has been added inside it,
which one cheap query proves (`BarRepository.stamp` grows whenever a bar is added in the window).
A sweep's cells, which all read the same window, then pay for the read once per worker process
instead of once per cell.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from app.greta.data.splits import split_warnings
from app.marvin.bars import BarFrame
from app.walle.repositories.bars import BarRepository

Key = tuple[str, str, datetime | None, datetime | None]
Entry = tuple[BarFrame, int]  # the bars, and the window's stamp when they were read
MAX_BARS = 2_000_000  # about 100 MB of float64 columns per process


class BarCache:
    def __init__(self, max_bars: int = MAX_BARS):
        self.max_bars = max_bars
        self._frames: OrderedDict[Key, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._batch = threading.local()
        self.hits = self.misses = 0
        # Per cached frame (by identity, the frame held so its id stays its own): its split warnings,
        # worked out once per process rather than once per sweep cell (about 3 ms on 39,000 bars).
        self._warnings: dict[int, tuple[BarFrame, list[str]]] = {}

    def clear(self) -> None:
        """Forget every window: only for a database emptied underneath (tests truncate it; Weaver never
        deletes bars), where a refilled window can have the same stamp but other bars."""
        with self._lock:
            self._frames.clear()
            self._warnings.clear()

    def split_warnings(self, frames: list[BarFrame]) -> list[str]:
        """greta.data.splits.split_warnings, remembered for the frames this cache holds."""
        out = []
        for frame in frames:
            with self._lock:
                known = self._warnings.get(id(frame))
                cached = any(f is frame for f, _ in self._frames.values()) if known is None else True
            if known is not None and known[0] is frame:
                out += known[1]
                continue
            found = split_warnings([frame])
            if cached:
                with self._lock:
                    self._warnings[id(frame)] = (frame, found)
            out += found
        return out

    @contextmanager
    def one_batch(self, checked: set[Key] | None = None) -> Iterator[set[Key]]:
        """Runs that start together (a message's sweep cells) share one read: inside, a window counted
        once is not counted again. Several short cells then pay for one count, not one each. Another
        thread working for the same message joins its batch by passing the set this one yields."""
        previous = getattr(self._batch, "checked", None)
        self._batch.checked = set() if checked is None else checked
        try:
            yield self._batch.checked
        finally:
            self._batch.checked = previous

    def load(self, bars: BarRepository, symbol: str, timeframe: str, start: datetime | None,
             end: datetime | None) -> BarFrame:
        key = (symbol, timeframe, start, end)
        with self._lock:
            entry = self._frames.get(key)
        checked: set[Key] | None = getattr(self._batch, "checked", None)
        if entry is not None and checked is not None and key in checked:
            return entry[0]
        stamp = bars.stamp(symbol, timeframe, start, end)
        if entry is not None and entry[1] == stamp:
            with self._lock:
                self._frames.move_to_end(key)
                self.hits += 1
            if checked is not None:
                checked.add(key)
            return entry[0]
        loaded = bars.load(symbol, timeframe, start, end)
        frame = BarFrame(symbol, timeframe, loaded.ts, loaded.open, loaded.high, loaded.low, loaded.close,
                         loaded.volume)
        with self._lock:
            self.misses += 1
            self._frames[key] = (frame, stamp)
            self._frames.move_to_end(key)
            while sum(len(f) for f, _ in self._frames.values()) > self.max_bars and len(self._frames) > 1:
                evicted, _ = self._frames.popitem(last=False)[1]
                self._warnings.pop(id(evicted), None)
        if checked is not None:
            checked.add(key)
        return frame


shared_bars = BarCache()
