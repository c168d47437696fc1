"""Alpaca-style timeframes: parse, format, bar length, bars per year."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import get_args

import pytest

from app.clock import Timeframe, TimeframeError, format_timeframe, infer_timeframe, parse_timeframe
from app.clock.realtime import bar_seconds, live_timeframe
from app.exchange.errors import ExchangeError
from app.exchange.timeframes import parse_timeframe as exchange_timeframe
from app.services.bars import TIMEFRAMES
from app.services.specs import Timeframe as ApiTimeframe


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


# One parser for every layer: each spelling an older parser accepted parses the same way here.

@pytest.mark.parametrize(("text", "frame"), [
    ("1Sec", Timeframe(1, "Sec")), ("30S", Timeframe(30, "Sec")), ("15T", Timeframe(15, "Min")),
    ("59Min", Timeframe(59, "Min")), ("1H", Timeframe(1, "Hour")), ("23Hour", Timeframe(23, "Hour")),
    ("1D", Timeframe(1, "Day")), ("1W", Timeframe(1, "Week")), ("01Min", Timeframe(1, "Min")),
])
def test_alpaca_short_units_parse_to_the_canonical_timeframe(text, frame):
    assert parse_timeframe(text) == frame
    assert parse_timeframe(str(frame)) == frame  # the canonical text, e.g. "15Min" for "15T"


@pytest.mark.parametrize(("text", "months"), [("1Month", 1), ("3M", 3), ("12Month", 12), ("6M", 6)])
def test_months_parse_only_where_asked_for(text, months):
    frame = parse_timeframe(text, months=True)
    assert frame == Timeframe(months, "Month") and frame.periods_per_year == 12 / months
    assert not frame.intraday and frame.seconds is None and frame.milliseconds is None
    with pytest.raises(TimeframeError, match="invalid timeframe"):
        parse_timeframe(text)


@pytest.mark.parametrize("text", ["5Month", "0M", "90Min", "2Week", "5Fortnight", "1 Min", None, 15])
def test_the_exchanges_bad_spellings_stay_refused(text):
    with pytest.raises(TimeframeError, match="invalid timeframe"):
        parse_timeframe(text, months=True)


def test_lengths_for_the_exchange_and_the_live_clock():
    assert parse_timeframe("5Min").milliseconds == 300_000 and parse_timeframe("1Day").milliseconds is None
    assert parse_timeframe("1Day").daily and not parse_timeframe("1Week").daily
    assert [bar_seconds(t) for t in ("1Sec", "1Min", "5Min", "1Hour", "1Day")] == [1, 60, 300, 3600, 86_400]
    assert bar_seconds("15T") == 900 and live_timeframe(Timeframe(1, "Day")).daily


@pytest.mark.parametrize("text", ["7Fortnight", "1Week", "1Month", "0Min", "2Day", ""])
def test_the_live_clock_refuses_what_it_cannot_tick_on_with_its_old_message(text):
    with pytest.raises(ValueError, match=re.escape(f"unknown timeframe {text!r}; use e.g. 1Sec, 1Min, 5Min")):
        bar_seconds(text)


def test_the_exchange_answers_its_own_errors_and_checks_its_base_bar():
    assert exchange_timeframe("1Month", 60_000) == Timeframe(1, "Month")
    assert exchange_timeframe("5T", 60_000) == Timeframe(5, "Min")
    with pytest.raises(ExchangeError, match=re.escape("invalid timeframe '7Fortnight'")) as bad:
        exchange_timeframe("7Fortnight", 60_000)
    assert bad.value.status == 400 and str(bad.value) == "invalid timeframe '7Fortnight'"
    with pytest.raises(ExchangeError, match="invalid timeframe None"):
        exchange_timeframe(None, 60_000)
    with pytest.raises(ExchangeError, match=re.escape("timeframe 1Sec is not a multiple of the exchange's 60s bars")):
        exchange_timeframe("1Sec", 60_000)


def test_the_timeframes_the_api_offers_are_canonical():
    offered = get_args(ApiTimeframe)
    assert [str(parse_timeframe(t)) for t in offered] == list(offered)
    assert set(TIMEFRAMES) <= set(offered)
