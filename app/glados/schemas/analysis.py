"""The run analysis response (app/services/analysis.py builds the values). Percentages are in percent
and figures are numbers, as the run's metrics; bin edges are exact decimals."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from app.glados.schemas.common import Out


class YearReturnsOut(Out):
    year: int
    months: list[float | None] = Field(description="January to December, percent; null: no close that month")
    total: float | None = Field(description="the year compounded, percent (year-end over the previous year-end "
                                            "or the starting equity)")


class TradeBinOut(Out):
    low: Decimal = Field(description="percent, inclusive")
    high: Decimal = Field(description="percent, exclusive")
    count: int


class TradeReturnsOut(Out):
    count: int
    mean_pct: float | None
    median_pct: float | None
    wins: int = Field(description="trades with a positive return (and P&L)")
    losses: int
    flat: int
    width_pct: Decimal | None = Field(description="each bin's width, percent")
    bins: list[TradeBinOut]


class RollingSharpeOut(Out):
    window: int = Field(description="returns per window")
    period: str = Field(description="what one return spans: day (intraday runs' bars closed per day) or week")
    periods_per_year: float
    basis: str = Field(description="the year used to annualise, as the metrics report it")
    dates: list[str] = Field(description="the date ending each window, YYYY-MM-DD in `zone`")
    values: list[float | None] = Field(description="annualised Sharpe per window; null: its returns do not vary")


class AnalysisOut(Out):
    run_id: str
    zone: str = Field(description="the time zone whose midnights end days and months")
    start_equity: float
    monthly: list[YearReturnsOut] = Field(description="one row per calendar year, oldest first")
    trades: TradeReturnsOut
    rolling_sharpe: RollingSharpeOut
