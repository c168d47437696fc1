"""Downsampling of long series for charts, keeping what the eye looks for: extremes and ends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def min_max_buckets(points: Sequence[T], limit: int, value: Callable[[T], float]) -> list[T]:
    """At most `limit` points: the first and last, and each bucket's lowest and highest point in
    time order, so peaks and drawdowns survive the reduction."""
    if limit < 2 or len(points) <= limit:
        return list(points)
    keep = min_max_indices(np.fromiter((value(p) for p in points), dtype=np.float64, count=len(points)), limit)
    return [points[i] for i in keep.tolist()]


def min_max_indices(values: np.ndarray, limit: int) -> np.ndarray:
    """The positions `min_max_buckets` keeps of a series of `values` (all of them when it is short enough):
    a long curve is reduced before any of its points is read as a record (trial 26: a 200,000-point curve
    built every point's record, then kept 2,000; the request took 6-8 s)."""
    count = len(values)
    if limit < 2 or count <= limit:
        return np.arange(count)
    inner = values[1:-1]
    buckets = (limit - 2) // 2
    if buckets == 0:  # room for one inner point at most: the one farthest from the start
        middle = [1 + int(np.argmax(np.abs(inner - values[0])))] if limit == 3 else []
        return np.array([0, *middle, count - 1])
    size = len(inner) / buckets
    kept = [0]
    for b in range(buckets):
        start, stop = int(b * size), int((b + 1) * size)
        if stop <= start:
            continue
        chunk = inner[start:stop]
        low, high = int(np.argmin(chunk)), int(np.argmax(chunk))
        kept.extend(1 + start + i for i in sorted({low, high}))
    kept.append(count - 1)
    return np.array(kept)
