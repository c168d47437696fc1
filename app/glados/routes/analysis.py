"""GET /api/v1/runs/{run_id}/analysis: monthly returns, the spread of trade returns and rolling Sharpe,
from the run's whole equity curve and every closed trade (not the chart's downsampled curve)."""

from __future__ import annotations

from flask import Blueprint

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.analysis import AnalysisOut
from app.services.analysis import run_analysis

bp = Blueprint("analysis", __name__, url_prefix="/api/v1/runs")


@endpoint(bp, "/<run_id>/analysis", summary="Monthly returns, trade-return histogram and rolling Sharpe",
          response=AnalysisOut, errors=(404,))
def analysis(run_id: str) -> AnalysisOut:
    """Days end at midnight in the exchange's zone (New York for US equities, UTC for crypto and other
    data); daily and weekly bars are their dates. A month's return compounds from the previous
    month-end (the first from the starting equity)."""
    services().app.backtests.complete_records(run_id)  # a sweep cell's full curve and trades, first
    with services().container.read_session() as session:
        return AnalysisOut.model_validate(run_analysis(session, run_id))
