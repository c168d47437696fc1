"""Health and the OpenAPI document."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, Response, jsonify
from pydantic import ConfigDict, Field

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.openapi import build_document
from app.glados.schemas.common import Out
from app.observability.health import HealthSources, check_health

bp = Blueprint("meta", __name__, url_prefix="/api/v1")
VERSION = "0.1.0"


class ComponentHealth(Out):
    """One part of the deployment. Besides `ok` and `error`, each says what it measured: `backend`
    and `latency_ms` (database, redis), `alive` and `processes` with their heartbeat ages (workers,
    scheduler), `accounts` with the live worker's last contact, success and error (broker)."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=False)  # exclude_none

    ok: bool
    error: str | None = Field(None, description="why the component is not ok (absent when it is)")


class HealthOut(Out):
    status: Literal["ok", "degraded"]
    components: dict[str, ComponentHealth] = Field(
        description="database, redis, backtest_workers, live_worker, scheduler, broker")
    failing: list[str] = Field(description="the components that are not ok (empty when status is ok)")
    workers: dict[str, int] = Field(description="live worker processes per queue")
    version: str


@endpoint(bp, "/health", summary="Readiness of every component: 200 when all are ok, 503 with the details when not",
          response=HealthOut, also=((503, "Degraded: `failing` names the components that are not ok", HealthOut),))
def health() -> Response:
    """Each component is probed within a short timeout; a failing probe is reported, never raised.
    The broker is reported as the live worker last saw it (this process never calls it)."""
    bundle = services().app
    sources = HealthSources(bundle.settings, bundle.container, lambda: bundle.queue.heartbeats)
    report: dict[str, Any] = check_health(sources)
    body = HealthOut.model_validate({**report, "version": VERSION}).model_dump(mode="json", exclude_none=True)
    response = jsonify(body)
    response.status_code = 200 if report["status"] == "ok" else 503
    return response


@endpoint(bp, "/openapi.json", summary="This API's OpenAPI 3.1 document", response={"type": "object"})
def openapi() -> dict[str, Any]:
    return build_document()
