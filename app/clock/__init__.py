"""Clocks: where time comes from. BacktestClock replays bars; a RealtimeClock (live) is added beside it."""

from app.clock.backtest import BacktestClock, datetime_to_ns, ns_to_datetime
from app.clock.timeframes import Timeframe, TimeframeError, format_timeframe, infer_timeframe, parse_timeframe

__all__ = [
    "BacktestClock",
    "Timeframe",
    "TimeframeError",
    "datetime_to_ns",
    "format_timeframe",
    "infer_timeframe",
    "ns_to_datetime",
    "parse_timeframe",
]
