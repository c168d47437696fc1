"""GET /api/v1/runs/{run_id}/drift: where a paper or live run differed from its backtest."""

from __future__ import annotations

import json

from flask import Blueprint, request

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.drift import DriftOut, DriftQuery
from app.services.drift import open_drift_report, report_json
from app.services.errors import ValidationFailed

bp = Blueprint("drift", __name__, url_prefix="/api/v1/runs")


@endpoint(bp, "/<run_id>/drift", summary="Live vs backtest: decisions lined up, P&L difference explained",
          query=DriftQuery, response=DriftOut, errors=(404, 422))
def drift(run_id: str, query: DriftQuery) -> DriftOut:
    """Replays the bars the run saw through Greta with the run's settings (or `params` / repeated
    `param=name=value`), or compares with the backtest run `against`. The P&L difference is split
    into execution (fills and fees of matched decisions) and signal (everything else)."""
    given = _json_params(query.params)
    texts = {}
    for item in request.args.getlist("param"):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationFailed({"param": f"expected name=value, got {item!r}"})
        texts[name.strip()] = value.strip()
    report = open_drift_report(services().app.backtests, run_id, params=given, param_texts=texts,
                               against=query.against)
    return DriftOut.model_validate(report_json(report))


def _json_params(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed({"params": f"not valid JSON: {exc}"}) from None
    if not isinstance(value, dict):
        raise ValidationFailed({"params": "must be a JSON object of parameter values"})
    return value
