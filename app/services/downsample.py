"""Downsampling of long series for charts, keeping what the eye looks for: extremes and ends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def min_max_buckets(points: Sequence[T], limit: int, value: Callable[[T], float]) -> list[T]:
    """At most `limit` points: the first and last, and each bucket's lowest and highest point in
    time order, so peaks and drawdowns survive the reduction."""
    if limit < 2 or len(points) <= limit:
        return list(points)
    inner = points[1:-1]
    buckets = (limit - 2) // 2
    if buckets == 0:  # room for one inner point at most: the one farthest from the start
        start = value(points[0])
        middle = [max(inner, key=lambda p: abs(value(p) - start))] if limit == 3 else []
        return [points[0], *middle, points[-1]]
    size = len(inner) / buckets
    kept: list[T] = [points[0]]
    for b in range(buckets):
        chunk = inner[int(b * size): int((b + 1) * size)]
        if not chunk:
            continue
        low = min(range(len(chunk)), key=lambda i: value(chunk[i]))
        high = max(range(len(chunk)), key=lambda i: value(chunk[i]))
        for i in sorted({low, high}):
            kept.append(chunk[i])
    kept.append(points[-1])
    return kept
