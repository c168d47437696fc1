"""Alpaca-style timeframes: parse, format, bar length, bars per year."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import Timeframe, TimeframeError, format_timeframe, infer_timeframe, parse_timeframe


@pytest.mark.parametrize(("text", "delta", "per_year"), [
    ("1Sec", timedelta(seconds=1), 252 * 390 * 60),
    ("1Min", timedelta(minutes=1), 252 * 390),
    ("5Min", timedelta(minutes=5), 252 * 78),
    ("15Min", timedelta(minutes=15), 252 * 26),
    ("1Hour", timedelta(hours=1), 252 * 6.5),
    ("1Day", timedelta(days=1), 252),
    ("1Week", timedelta(weeks=1), 52),
])
def test_timeframes_parse_to_bar_length_and_bars_per_year(text, delta, per_year):
    frame = parse_timeframe(text)
    assert frame.delta == delta and frame.periods_per_year == per_year
    assert format_timeframe(frame) == text == str(frame)


@pytest.mark.parametrize("text", ["0Min", "60Min", "24Hour", "2Day", "1min", "Min", "1 Day", ""])
def test_invalid_timeframes_are_refused(text):
    with pytest.raises(TimeframeError, match="invalid timeframe"):
        parse_timeframe(text)


def test_intraday_flag_and_minutes():
    assert parse_timeframe("15Min").intraday and parse_timeframe("15Min").minutes == 15
    assert not parse_timeframe("1Day").intraday and parse_timeframe("1Day").minutes is None
    assert parse_timeframe(Timeframe(2, "Hour")) == Timeframe(2, "Hour")


def test_timeframe_is_inferred_from_the_typical_gap_between_bars():
    assert infer_timeframe(1) == Timeframe(1, "Sec")
    assert infer_timeframe(60) == Timeframe(1, "Min")
    assert infer_timeframe(300) == Timeframe(5, "Min")
    assert infer_timeframe(3600) == Timeframe(1, "Hour")
    assert infer_timeframe(86_400) == Timeframe(1, "Day")
    assert infer_timeframe(7 * 86_400) == Timeframe(1, "Week")
