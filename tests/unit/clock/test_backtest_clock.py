"""BacktestClock hands out bar indices in time order; sessions give each bar its trading date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import numpy as np

from app.clock import BacktestClock, datetime_to_ns, ns_to_datetime, parse_timeframe
from app.clock.sessions import day_number, new_york_ns, session_dates, session_ends

MINUTE = 60 * 10**9


def test_clock_advances_in_chunks_until_done():
    clock = BacktestClock(np.arange(10, dtype=np.int64) * MINUTE)
    assert [list(clock.advance(4)), list(clock.advance(4)), list(clock.advance(4))] == [
        [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert clock.done and list(clock.advance(4)) == []
    assert clock.now() == datetime(1970, 1, 1, 0, 9, tzinfo=UTC)


def test_clock_iterates_one_bar_at_a_time_and_tells_bar_times():
    clock = BacktestClock(np.array([0, MINUTE, 2 * MINUTE], dtype=np.int64))
    assert list(clock) == [0, 1, 2] and len(clock) == 3
    assert clock.time(1) == datetime(1970, 1, 1, 0, 1, tzinfo=UTC)


def test_nanosecond_times_round_trip_exactly():
    moment = datetime(2024, 3, 10, 7, 0, 0, 123456, tzinfo=UTC)
    assert ns_to_datetime(datetime_to_ns(moment)) == moment


def test_intraday_bars_trade_on_their_new_york_date_across_daylight_saving():
    # 2024-03-10 is the spring-forward Sunday: 03:59Z is still 2024-03-09 in New York (EST, -5h),
    # 04:30Z on 2024-03-11 is 00:30 EDT on the 11th, 03:30Z is 23:30 on the 10th.
    stamps = np.array([datetime_to_ns(datetime(2024, 3, 10, 3, 59, tzinfo=UTC)),
                       datetime_to_ns(datetime(2024, 3, 11, 3, 30, tzinfo=UTC)),
                       datetime_to_ns(datetime(2024, 3, 11, 4, 30, tzinfo=UTC))])
    days = session_dates(stamps, parse_timeframe("1Min"))
    assert list(days) == [day_number(date(2024, 3, 9)), day_number(date(2024, 3, 10)), day_number(date(2024, 3, 11))]


def test_daily_bars_trade_on_the_date_of_their_stamp_in_either_convention():
    alpaca = new_york_ns(date(2024, 7, 1), time(0))  # 04:00Z
    csv = datetime_to_ns(datetime(2024, 7, 1, tzinfo=UTC))  # 00:00Z
    days = session_dates(np.array([csv, alpaca]), parse_timeframe("1Day"))
    assert list(days) == [day_number(date(2024, 7, 1))] * 2


def test_session_ends_point_at_the_last_bar_of_each_trading_date():
    assert list(session_ends(np.array([5, 5, 5, 6, 7, 7]))) == [2, 2, 2, 3, 5, 5]
