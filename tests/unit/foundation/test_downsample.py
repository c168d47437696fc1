"""Equity downsampling for charts: never more points than asked, ends and extremes kept."""

from __future__ import annotations

import math

import pytest

from app.services.downsample import min_max_buckets

SERIES = [100 + 10 * math.sin(i / 7) + (30 if i == 401 else 0) - (25 if i == 777 else 0) for i in range(1000)]


@pytest.mark.parametrize("limit", [2, 3, 4, 5, 10, 11, 100, 999, 1000, 5000])
def test_never_more_points_than_asked_and_the_ends_are_kept(limit):
    kept = min_max_buckets(list(enumerate(SERIES)), limit, lambda p: p[1])
    assert len(kept) <= limit
    assert kept[0][0] == 0 and kept[-1][0] == 999
    assert [i for i, _ in kept] == sorted({i for i, _ in kept})  # time order, no duplicates


def test_two_points_are_the_ends_and_three_add_the_largest_move():
    points = list(enumerate(SERIES))
    assert [i for i, _ in min_max_buckets(points, 2, lambda p: p[1])] == [0, 999]
    assert [i for i, _ in min_max_buckets(points, 3, lambda p: p[1])] == [0, 401, 999]


def test_peaks_and_troughs_survive():
    kept = {i for i, _ in min_max_buckets(list(enumerate(SERIES)), 20, lambda p: p[1])}
    assert {401, 777} <= kept
