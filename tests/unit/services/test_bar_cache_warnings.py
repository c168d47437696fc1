"""A sweep's cells share one cached frame per window; its split warnings are worked out once for it,
not once per cell, and a frame the cache does not hold is checked each time."""

from __future__ import annotations

import numpy as np

from app.greta.data import synthetic_bars
from app.marvin.bars import BarFrame
from app.services import bar_cache
from app.services.bar_cache import BarCache


class Arrays:
    def __init__(self, frame: BarFrame):
        self.ts, self.open, self.high, self.low, self.close, self.volume = (
            frame.ts, frame.open, frame.high, frame.low, frame.close, frame.volume)


class Repository:
    """The two calls BarCache makes of a BarRepository, over one in-memory series."""

    def __init__(self, frame: BarFrame):
        self.frame = frame

    def stamp(self, *_: object) -> int:
        return 1

    def load(self, *_: object) -> Arrays:
        return Arrays(self.frame)


def split_series() -> BarFrame:
    frame = synthetic_bars("SPLT", 300, seed=2)
    opens, highs, lows, closes = (np.array(getattr(frame, n)) for n in ("open", "high", "low", "close"))
    for column in (opens, highs, lows, closes):
        column[150:] /= 4  # a 4:1 split the data was not adjusted for
    return BarFrame("SPLT", "1Day", frame.ts, opens, highs, lows, closes, frame.volume)


def test_a_cached_frames_warnings_are_worked_out_once(monkeypatch) -> None:
    calls = []
    real = bar_cache.split_warnings
    monkeypatch.setattr(bar_cache, "split_warnings", lambda frames: calls.append(1) or real(frames))
    cache = BarCache()
    frame = cache.load(Repository(split_series()), "SPLT", "1Day", None, None)
    first = cache.split_warnings([frame])
    assert len(first) == 1 and "SPLT" in first[0] and "unadjusted" in first[0]
    assert [cache.split_warnings([frame]) for _ in range(47)] == [first] * 47
    assert len(calls) == 1

    alone = split_series()  # not in the cache: checked every time, never remembered
    assert cache.split_warnings([alone]) == first and cache.split_warnings([alone]) == first
    assert len(calls) == 3
    cache.clear()
    assert cache.split_warnings([frame]) == first and len(calls) == 4
