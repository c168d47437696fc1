"""POST /api/v1/runs/{run_id}/robustness: Monte Carlo over a finished run's trades and a random-entry
benchmark, computed on the request (vectorised: 1,000 paths of 1,000 trades take well under a second)."""

from __future__ import annotations

from flask import Blueprint

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.robustness import RobustnessIn, RobustnessOut
from app.services.robustness import RobustnessAsk, run_robustness

bp = Blueprint("robustness", __name__, url_prefix="/api/v1/runs")


@endpoint(bp, "/<run_id>/robustness", "POST", summary="Monte Carlo and random-entry tests of a finished run",
          body=RobustnessIn, response=RobustnessOut, errors=(404, 409, 422))
def robustness(run_id: str, body: RobustnessIn) -> RobustnessOut:
    """Each trade's return is its net P&L over the realised equity before it, so the trades compound to
    the cash they booked. The same seed gives the same figures. 409: the run is not finished; 422: fewer
    than two closed trades, or more resamples × trades than the cap."""
    services().app.backtests.complete_records(run_id)  # a sweep cell's trades, first
    ask = RobustnessAsk(body.resamples, body.seed, body.ruin_drawdown_pct, body.method)
    with services().container.read_session() as session:
        return RobustnessOut.model_validate(run_robustness(session, run_id, ask))
