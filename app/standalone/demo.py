"""The demo data set loaded on first start: seeded synthetic bars, labelled as such everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from app.greta.data.synthetic import synthetic_bars
from app.services.bars import BarService

DEMO_SYMBOLS = {"AAPL": 190.0, "MSFT": 410.0, "SPY": 520.0, "NVDA": 120.0, "TSLA": 240.0}
DESCRIPTION = "SYNTHETIC demo data (seeded geometric Brownian motion), not real market prices"
DAILY_BARS = 1260  # about five years
MINUTE_SESSIONS = 30  # enough for annualised figures: a month of the US equity year is 21 sessions
MINUTE_BARS = 390 * MINUTE_SESSIONS
ASSET_CLASS = "us_equity"  # each symbol's instrument, as `weaver bars import --asset-class` stores it


def load_demo_data(bars: BarService, seed: int = 42) -> dict[str, int]:
    """Store daily and one-minute synthetic bars for the demo symbols; returns bars stored per series."""
    stored: dict[str, int] = {}
    today = datetime.now(UTC).date()
    # seven weeks back hold 35 weekdays: the 30 sessions end at least a week before today
    minute_start = _weekday_on_or_after(today - timedelta(weeks=7))
    for index, (symbol, price) in enumerate(DEMO_SYMBOLS.items()):
        for timeframe, count, first_day in (("1Day", DAILY_BARS, date(2020, 1, 2)),
                                            ("1Min", MINUTE_BARS, minute_start)):
            frame = synthetic_bars(symbol, count, seed=seed + index, timeframe=timeframe, start=price,
                                   volatility=0.3, first_day=first_day)
            columns = {name: _cents(getattr(frame, name)) for name in ("open", "high", "low", "close")}
            columns["volume"] = [str(int(v)) for v in frame.volume.tolist()]
            stored[f"{symbol} {timeframe}"] = bars.store_arrays(symbol, timeframe, np.asarray(frame.ts), columns,
                                                                source="synthetic", description=DESCRIPTION,
                                                                asset_class=ASSET_CLASS)
    return stored


def _cents(values: np.ndarray) -> list[str]:
    return [f"{v:.2f}" for v in values.tolist()]


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
