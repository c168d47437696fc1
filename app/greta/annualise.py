"""How many bars make a year, by the asset's calendar, for Sharpe, volatility and CAGR.

- crypto trades 24/7: 365 days of 24 hours;
- US equities trade the exchange session: 252 days of 6.5 hours (app/clock/timeframes.py);
- anything else (forex, futures, a CSV) counts the bars its data actually holds per year, so 24/5
  forex, a 23-hour futures session or a gappy series is annualised by what it really trades.
The basis is reported with the metrics, so a user can see which year was used. The asset class
comes from the run's own inputs only (`year_instrument`): never from an instrument record another
run may have written since, so the same backtest annualises the same way every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.clock.timeframes import Timeframe
from app.marvin.instruments import Instrument

_YEAR_NS = 365.25 * 86_400 * 1e9


@dataclass(frozen=True)
class Annualisation:
    bars_per_year: float
    basis: str  # what a user reads: "24/7 (365 × 24 h)", "US equity session (252 × 6.5 h)", "data: …"


def year_instrument(symbol: str, asset_class: str | None) -> Instrument:
    """The instrument whose calendar annualises a run: the asset class the run asked for, else the one
    the symbol's form gives (a pair such as 'BTC/USD' is crypto), else `other`: the data's own year."""
    if asset_class is None:
        asset_class = "crypto" if "/" in symbol else "other"
    return Instrument(symbol, asset_class)


def annualisation(timeline: np.ndarray, timeframe: Timeframe, instrument: Instrument) -> Annualisation:
    calendar = instrument.calendar
    if calendar == "24/7":
        if timeframe.unit == "Week":
            per_year = 365 / 7 / timeframe.amount
        elif timeframe.unit == "Day":
            per_year = 365.0 / timeframe.amount
        else:
            per_year = 365 * 86_400 / (timeframe.seconds or 1)
        return Annualisation(per_year, "24/7 (365 × 24 h)")
    if calendar == "session" or len(timeline) < 2 or timeline[-1] <= timeline[0]:
        return Annualisation(timeframe.periods_per_year, "US equity session (252 × 6.5 h)")
    per_year = (len(timeline) - 1) / (float(timeline[-1] - timeline[0]) / _YEAR_NS)
    return Annualisation(per_year, f"data ({per_year:,.0f} bars a year, as the data holds them)")
