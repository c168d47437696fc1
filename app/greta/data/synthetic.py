"""Seeded synthetic bars (geometric Brownian motion) for demos, tests and benchmarks.

The same symbol, seed and settings always give the same bars, so a test can name its data by a
short spec. Intraday bars follow New York's regular session (09:30-16:00, weekdays; holidays are
not modelled); daily bars are stamped at UTC midnight like a CSV file's. Prices are rounded to the
cent and every bar satisfies low <= min(open, close) <= max(open, close) <= high.
"""

from __future__ import annotations

import math
import zlib
from datetime import date, time

import numpy as np

from app.clock.sessions import NS_PER_DAY, NS_PER_SECOND, day_number, new_york_ns, trading_days
from app.clock.timeframes import SESSION_MINUTES, parse_timeframe
from app.marvin.bars import BarFrame, DataError

DEFAULT_FIRST_DAY = date(2024, 1, 2)
SESSION_SECONDS = SESSION_MINUTES * 60
OPEN = time(9, 30)
LAST_DAY_NUMBER = day_number(date(2100, 1, 1))  # synthetic bars end before it, as all of Weaver's times do


def synthetic_bars(symbol: str, count: int, *, seed: int = 0, timeframe: str = "1Day", start: float = 100.0,
                   drift: float = 0.05, volatility: float = 0.2, first_day: date = DEFAULT_FIRST_DAY) -> BarFrame:
    """`count` bars of `symbol`; `drift` and `volatility` are annual, scaled to the bar length."""
    if count < 0:
        raise ValueError("count must not be negative")
    frame = parse_timeframe(timeframe)
    rng = np.random.default_rng([seed, zlib.crc32(symbol.encode())])
    dt = 1.0 / frame.periods_per_year
    step_sigma = volatility * math.sqrt(dt)
    log_returns = (drift - volatility**2 / 2) * dt + step_sigma * rng.standard_normal(count)
    close = start * np.exp(np.cumsum(log_returns))
    previous = np.concatenate(([start], close[:-1]))
    open_ = previous * np.exp(0.25 * step_sigma * rng.standard_normal(count))
    high = np.maximum(open_, close) * np.exp(0.5 * step_sigma * np.abs(rng.standard_normal(count)))
    low = np.minimum(open_, close) * np.exp(-0.5 * step_sigma * np.abs(rng.standard_normal(count)))
    open_, close = np.round(open_, 2), np.round(close, 2)
    high = np.maximum(np.round(high, 2), np.maximum(open_, close))
    low = np.maximum(np.minimum(np.round(low, 2), np.minimum(open_, close)), 0.01)
    volume = np.round(rng.lognormal(mean=math.log(1_000_000 * dt * 252), sigma=0.4, size=count))
    return BarFrame(symbol.upper(), str(frame), _stamps(frame, count, first_day), open_, high, low, close, volume)


def _stamps(frame, count: int, first_day: date) -> np.ndarray:
    """Bar start times (UTC epoch ns): trading days at UTC midnight, or the session's intraday slots."""
    if frame.unit == "Week":
        monday = day_number(first_day) - first_day.weekday()
        _within_range(monday + 7 * (count - 1), frame, count, first_day)
        return (monday + 7 * np.arange(count, dtype=np.int64)) * NS_PER_DAY
    if not frame.intraday:
        days = trading_days(first_day, min(count, LAST_DAY_NUMBER))  # that many trading days pass 2100 anyway
        if days:
            _within_range(day_number(days[-1]), frame, count, first_day)
        return np.array([day_number(d) for d in days], dtype=np.int64) * NS_PER_DAY
    per_session = -(-SESSION_SECONDS // frame.seconds)
    days = trading_days(first_day, -(-count // per_session))
    if days:
        _within_range(day_number(days[-1]), frame, count, first_day)
    opens = np.array([new_york_ns(d, OPEN) for d in days], dtype=np.int64)
    slots = np.arange(per_session, dtype=np.int64) * frame.seconds * NS_PER_SECOND
    return (opens[:, None] + slots[None, :]).ravel()[:count]


def _within_range(last_day: int, frame, count: int, first_day: date) -> None:
    """Bars are times Weaver accepts everywhere (before 2100), never an overflowing timestamp."""
    if last_day >= LAST_DAY_NUMBER:
        raise DataError(f"{count:,} synthetic {frame} bars from {first_day} would run past 2099: use fewer bars "
                        "or a shorter timeframe (e.g. --timeframe 1Min)")


def parse_synthetic(spec: str, timeframe: str = "1Day") -> BarFrame:
    """`SYMBOL:BARS[:SEED]` (from the command line) → synthetic bars."""
    parts = spec.split(":")
    try:
        if len(parts) not in (2, 3) or not parts[0]:
            raise ValueError
        count = int(parts[1])
        seed = int(parts[2]) if len(parts) == 3 else 0
    except ValueError:
        raise DataError(f"synthetic data {spec!r}: use SYMBOL:BARS or SYMBOL:BARS:SEED, e.g. AAPL:1000:7") from None
    if count < 1:  # zero bars crashed the run's result; a negative count, the generator
        raise DataError(f"synthetic data {spec!r}: BARS must be at least 1, got {count}")
    return synthetic_bars(parts[0], count, seed=seed, timeframe=timeframe)
