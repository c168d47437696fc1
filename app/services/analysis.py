"""A run's analysis (monthly returns, trade-return spread, rolling Sharpe) from its stored records.

Reads the whole equity curve and every closed trade (a sweep cell's full records are rebuilt first by
the caller) and hands them to app/greta/analysis.py. Days are counted where the run's market keeps
them: an intraday US-equity run closes its days in New York, crypto and other data in UTC; daily and
weekly bars are their UTC dates (as the UI shows them). Sharpe is annualised by the same calendar as
the run's metrics (app/greta/annualise.py): 252 trading days for US equities, 365 for crypto.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock.timeframes import Timeframe, parse_timeframe
from app.greta.analysis import (
    DAY_NS,
    TradeSpread,
    YearReturns,
    local_days,
    monthly_returns,
    period_closes,
    rolling_sharpe,
    trade_spread,
)
from app.greta.annualise import Annualisation, annualisation, year_instrument
from app.marvin.instruments import Instrument
from app.services.live_records import LIVE_MODES, closed_trades
from app.services.short_ids import no_such_run
from app.walle.models import Run, Trade
from app.walle.repositories.instruments import InstrumentRepository
from app.walle.repositories.trading import RunRecords

WINDOWS = {"day": 63, "week": 26}  # about three months, or half a year of weekly bars
ZONES = {"session": "America/New_York"}  # a calendar's day boundary; anything else: UTC


@dataclass(frozen=True)
class SharpeSeries:
    window: int
    period: str  # "day" or "week": what one return spans
    periods_per_year: float
    basis: str  # the annualisation basis, as the metrics report it
    dates: list[str]  # the date ending each window (YYYY-MM-DD, in `zone`)
    values: list[float | None]


@dataclass(frozen=True)
class RunAnalysis:
    run_id: str
    zone: str  # where days (and so months) end
    start_equity: float
    monthly: list[YearReturns]
    trades: TradeSpread
    rolling_sharpe: SharpeSeries


def _instrument(session: Session, run: Run) -> Instrument:
    """The first symbol's instrument: a backtest's as its metrics' year (app/greta/annualise.py); a paper or
    live run's the asset class it asked for, else the stored one (its broker's), else a pair ('BTC/USD')
    is crypto and anything else a US equity."""
    symbol = run.symbols[0]
    asked = run.options.get("asset_class")
    if run.mode not in LIVE_MODES:  # a backtest's year is its own inputs' (as its metrics'), never a stored row
        return year_instrument(symbol, asked)
    row = None if asked else InstrumentRepository(session).get(symbol)
    if row is not None:
        return Instrument(symbol, row.asset_class)
    guess = "crypto" if "/" in symbol else "us_equity" if run.mode in LIVE_MODES else "other"
    return Instrument(symbol, asked or guess)


def _curve(session: Session, run_id: str) -> tuple[np.ndarray, np.ndarray]:
    """(epoch ns, equity as float) of every point, oldest first (RunRecords.equity_columns: a minute run's
    million points take about 3 s on a loaded machine, against 10 s through ORM rows of datetimes and Decimals)."""
    points = RunRecords(session).equity_columns(run_id, values=("equity",))
    return points.ts, points.equity  # type: ignore[return-value]


def _trade_returns(session: Session, run: Run) -> list[Decimal]:
    if run.mode in LIVE_MODES:  # paired from its fills as they close, as its trades table shows them
        return [t.return_pct for t in closed_trades(session, run.id)]
    return list(session.scalars(select(Trade.return_pct).where(Trade.run_id == run.id)))


def _own_year(session: Session, run: Run, timeframe: Timeframe, period: str) -> Annualisation | None:
    """A daily (weekly) backtest's own year, as its metrics took it, when the analysis steps through the same
    bars: its stored basis and bars a year. Worked out again from the curve, a walk-forward fold's
    out-of-sample run (its year counts its warm-up bars, its curve does not) read 266 days beside its
    metrics' 262, on a panel that says "as in the metrics"."""
    basis = (run.options or {}).get("annualisation")
    if run.mode in LIVE_MODES or not basis or (timeframe.amount, timeframe.unit) != (1, period.title()):
        return None
    per_year = RunRecords(session).metrics(run.id).get("bars_per_year")
    return Annualisation(float(per_year), str(basis)) if per_year else None


def run_analysis(session: Session, run_id: str) -> RunAnalysis:
    run = session.get(Run, run_id)
    if run is None:
        raise no_such_run(run_id)
    timeframe = parse_timeframe(run.timeframe)
    instrument = _instrument(session, run)
    zone = "UTC" if not timeframe.intraday else ZONES.get(instrument.calendar, "UTC")
    ts, equity = _curve(session, run_id)
    days, closes = period_closes(local_days(ts, zone), equity)
    start = float(run.cash)
    period = "week" if timeframe.unit == "Week" else "day"
    year = _own_year(session, run, timeframe, period) or annualisation(
        days * DAY_NS, Timeframe(1, "Week" if period == "week" else "Day"), instrument)
    window = WINDOWS[period]
    rolled = rolling_sharpe(days, closes, window, year.bars_per_year)
    dates = [str(d) for d in rolled.days.astype("datetime64[D]")]
    return RunAnalysis(run.id, zone, start, monthly_returns(days, closes, start),
                       trade_spread(_trade_returns(session, run)),
                       SharpeSeries(window, period, year.bars_per_year, year.basis, dates, rolled.values))

