"""BacktestClock: the backtest's notion of time, a cursor over the bars' timeline.

A backtest must not ask the wall clock anything; time is the timestamp of the bar being replayed.
The clock hands out bar indices in time order in chunks (`advance`), so the engine can run its hot
loop over a plain range and poll progress and cancellation between chunks, never per bar.
A RealtimeClock (live trading, bar-aligned wake-ups) lives beside it and shares `now()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np

from app.clock.timeframes import Timeframe

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ns_to_datetime(ns: int) -> datetime:
    """Exact (microsecond) conversion; float seconds would drift by a microsecond on some stamps."""
    return _EPOCH + timedelta(microseconds=int(ns) // 1000)


def datetime_to_ns(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: Weaver works in timezone-aware UTC")
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


class BacktestClock:
    """Steps a sorted timeline (int64 epoch ns) from the first bar to the last."""

    def __init__(self, timeline: np.ndarray, timeframe: Timeframe | None = None):
        self.timeline = np.asarray(timeline, dtype=np.int64)
        self.timeframe = timeframe
        self.position = 0  # index of the next bar to hand out

    def __len__(self) -> int:
        return len(self.timeline)

    @property
    def done(self) -> bool:
        return self.position >= len(self.timeline)

    def advance(self, bars: int) -> range:
        """The next `bars` bar indices (fewer at the end, empty when done)."""
        start = self.position
        self.position = min(len(self.timeline), start + max(1, bars))
        return range(start, self.position)

    def __iter__(self) -> Iterator[int]:
        while not self.done:
            yield from self.advance(1)

    def time(self, index: int) -> datetime:
        return ns_to_datetime(int(self.timeline[index]))

    def now(self) -> datetime:
        """Time of the last bar handed out (the first bar before the clock has started)."""
        return self.time(max(0, self.position - 1))
