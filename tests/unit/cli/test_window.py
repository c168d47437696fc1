"""`--start`/`--end`: inclusive bounds on the bars' times, a date alone a whole UTC day, a time UTC unless it
says its zone; a window with no bar of a symbol, an end before the start and words are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import pytest

from app.cli.window import in_window
from app.marvin.bars import BarFrame, DataError

HOURS = [datetime(2024, 1, 2, tzinfo=UTC) + timedelta(hours=6 * i) for i in range(12)]  # 00, 06, 12, 18 h on 3 days


def frame() -> BarFrame:
    ts = [int(t.timestamp()) * 10**9 for t in HOURS]
    return BarFrame("AAA", "6Hour", ts, [1.0] * 12, [2.0] * 12, [0.5] * 12, [1.5] * 12, [10.0] * 12)


def kept(start: str | None, end: str | None) -> list[datetime]:
    (only,) = in_window([frame()], start, end)
    return [datetime.fromtimestamp(t / 1e9, UTC) for t in only.ts.tolist()]


def test_bounds_are_inclusive_and_a_date_is_a_whole_day() -> None:
    assert kept(None, None) == HOURS
    assert kept("2024-01-03", "2024-01-03") == HOURS[4:8]  # the whole of 3 January
    assert kept("2024-01-02T06:00:00Z", "2024-01-02T18:00:00") == HOURS[1:4]  # both ends kept; no zone is UTC
    assert kept("2024-01-03T07:00:00+01:00", None) == HOURS[5:]  # 06:00 UTC
    assert kept(None, "2024-01-02T05:59:59Z") == HOURS[:1]


def test_a_window_without_bars_an_inverted_one_and_words_are_refused() -> None:
    with pytest.raises(DataError, match=r"AAA: no bars between --start and --end \(its bars run 2024-01-02 00:00 UTC"):
        kept("2025-01-01", None)
    with pytest.raises(click.BadParameter, match="--end 2024-01-02 is not after --start 2024-01-03"):
        kept("2024-01-03", "2024-01-02")
    with pytest.raises(click.BadParameter, match="'last week' is not a date"):
        kept("last week", None)
