from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.clock.realtime import RealtimeClock, bar_seconds


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_one_minute_ticks_fire_at_zero_seconds_plus_settle_for_the_bar_that_just_closed() -> None:
    clock = RealtimeClock("1Min", timedelta(milliseconds=500))
    tick = clock.next_tick(utc(2024, 1, 2, 14, 31, 7))
    assert tick.boundary == utc(2024, 1, 2, 14, 32)
    assert tick.bar_ts == utc(2024, 1, 2, 14, 31)  # bars are stamped with their start
    assert tick.fire_at == utc(2024, 1, 2, 14, 32) + timedelta(milliseconds=500)


def test_a_tick_inside_the_settle_window_is_still_ahead() -> None:
    clock = RealtimeClock("1Min", timedelta(milliseconds=500))
    assert clock.next_tick(utc(2024, 1, 2, 14, 32, 0, 200_000)).bar_ts == utc(2024, 1, 2, 14, 31)


def test_five_minute_ticks_align_to_five_minute_marks() -> None:
    clock = RealtimeClock("5Min")
    fires = []
    now = utc(2024, 1, 2, 14, 31, 7)
    for _ in range(3):
        tick = clock.next_tick(now)
        fires.append(tick.fire_at.strftime("%H:%M:%S"))
        now = tick.fire_at
    assert fires == ["14:35:00", "14:40:00", "14:45:00"]


def test_daily_ticks_fire_after_the_new_york_close_on_weekdays() -> None:
    clock = RealtimeClock("1Day", timedelta(seconds=2))
    friday_evening = utc(2024, 1, 5, 22, 0)  # after Friday's close (21:00 UTC in winter)
    tick = clock.next_tick(friday_evening)
    assert tick.boundary == utc(2024, 1, 8, 21, 0)  # Monday 16:00 New York
    assert tick.fire_at == utc(2024, 1, 8, 21, 0, 2)
    assert tick.bar_ts == utc(2024, 1, 8, 5, 0)  # the daily bar is stamped New York midnight
    summer = clock.next_tick(utc(2024, 7, 1, 12, 0))
    assert summer.boundary == utc(2024, 7, 1, 20, 0)  # 16:00 EDT


def test_last_tick_is_the_one_a_slightly_late_job_processes() -> None:
    clock = RealtimeClock("1Sec", timedelta(milliseconds=100))
    assert clock.last_tick(utc(2024, 1, 2, 0, 0, 5, 180_000)).bar_ts == utc(2024, 1, 2, 0, 0, 4)
    assert clock.last_tick(utc(2024, 1, 2, 0, 0, 5, 50_000)).bar_ts == utc(2024, 1, 2, 0, 0, 3)


def test_unknown_timeframes_and_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown timeframe"):
        bar_seconds("7Fortnight")
    with pytest.raises(ValueError, match="timezone-aware"):
        RealtimeClock("1Min").next_tick(datetime(2024, 1, 1))
