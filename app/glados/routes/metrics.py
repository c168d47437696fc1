"""GET /metrics: Prometheus text, read at scrape time (app/observability/metrics.py).

Outside /api/v1, so it is not in the OpenAPI document; it takes the API token as a Bearer header
(Prometheus: `authorization: {credentials: …}` in the scrape job) unless WEAVER_METRICS_PUBLIC=true.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest

from app.glados.auth import presented_token, token_is_valid
from app.glados.context import services
from app.glados.errors import error_response
from app.observability.metrics import MetricSources, WeaverCollector

bp = Blueprint("metrics", __name__)
REGISTRY_KEY = "weaver_metrics"


@bp.get("/metrics")
def metrics() -> Response:
    bundle = services().app
    if not bundle.settings.metrics_public and not token_is_valid(presented_token()):
        return error_response(401, "unauthorized",
                              "a valid API token is required (Authorization: Bearer …), "
                              "or set WEAVER_METRICS_PUBLIC=true")
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _registry() -> CollectorRegistry:
    """One registry per app, made on the first scrape (the queue is built then, not at start-up)."""
    registry = current_app.extensions.get(REGISTRY_KEY)
    if registry is None:
        weaver = services()
        bundle, broadcaster = weaver.app, weaver.broadcaster
        registry = CollectorRegistry(auto_describe=False)
        registry.register(WeaverCollector(MetricSources(bundle.container, lambda: bundle.queue,
                                                        lambda: broadcaster.subscriber_count)))
        ProcessCollector(registry=registry)  # this web process's CPU, memory and open files
        current_app.extensions[REGISTRY_KEY] = registry
    return registry
