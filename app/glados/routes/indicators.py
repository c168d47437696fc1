"""A run's indicators as its strategy declared them for the chart (`self.I(..., plot=...)`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.common import Out
from app.services.run_indicators import run_indicators
from app.services.specs import as_utc

bp = Blueprint("indicators", __name__, url_prefix="/api/v1/runs")


class IndicatorQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    symbol: str = Field(min_length=1, max_length=32)
    start: datetime | None = None
    end: datetime | None = None
    limit: int = Field(5000, ge=1, le=100_000, description="the most recent bars of the window, at most "
                                                            "(as GET /runs/{id}/bars)")

    @field_validator("start", "end")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)


class IndicatorPointOut(Out):
    ts: datetime = Field(description="the bar's start (UTC)")
    value: float


class IndicatorOut(Out):
    name: str = Field(description="e.g. 'SMA 10', 'BB 20, 2 upper', 'RSI 14'")
    pane: Literal["price", "separate"] = Field(description="price: over the candles; separate: a pane of its own")
    points: list[IndicatorPointOut] = Field(description="one per bar of the window where the value is defined "
                                                        "(the warm-up bars before the first value are left out)")


@endpoint(bp, "/<run_id>/indicators", summary="The strategy's plotted indicators over the run's bars",
          query=IndicatorQuery, response=[IndicatorOut], errors=(404, 409, 422))
def indicators(run_id: str, query: IndicatorQuery) -> list[IndicatorOut]:
    """Computed with the run's strategy and parameters over the bars it saw (a paper or live run's
    warm-up included), so each value is the one the strategy read on that bar. The points follow the
    same window and `limit` as GET /runs/{id}/bars."""
    with services().container.read_session() as session:
        found = run_indicators(session, run_id, query.symbol, query.start, query.end, query.limit)
    return [IndicatorOut(name=s.name, pane=s.pane,  # type: ignore[arg-type]
                         points=[IndicatorPointOut(ts=t, value=v) for t, v in zip(s.ts, s.values, strict=True)])
            for s in found]
