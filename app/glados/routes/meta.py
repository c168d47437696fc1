"""Health and the OpenAPI document."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint
from sqlalchemy import text

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.openapi import build_document
from app.glados.schemas.common import Out

bp = Blueprint("meta", __name__, url_prefix="/api/v1")


class HealthOut(Out):
    status: str
    database: dict[str, Any]
    broker: dict[str, Any]
    workers: dict[str, Any]
    version: str


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with services().container.read_session() as session:
            session.execute(text("SELECT 1"))
        return {"ok": True, "backend": services().container.engine.dialect.name,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1)}
    except Exception as exc:  # reported, not raised: health must answer when things are broken
        return {"ok": False, "error": exc.__class__.__name__}


@endpoint(bp, "/health", summary="Database, broker and worker liveness", response=HealthOut)
def health() -> HealthOut:
    probes = services().health_probes
    broker = probes["broker"]() if "broker" in probes else {"ok": True, "backend": "none"}
    workers = probes["workers"]() if "workers" in probes else {}
    database = _database()
    ok = database["ok"] and broker.get("ok", False)
    return HealthOut(status="ok" if ok else "degraded", database=database, broker=broker, workers=workers,
                     version="0.1.0")


@endpoint(bp, "/openapi.json", summary="This API's OpenAPI 3.1 document", response={"type": "object"})
def openapi() -> dict[str, Any]:
    return build_document()
