"""The Flask app factory: GLaDOS, the only northbound API (REST, SSE, WebSocket) and the UI host."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.bootstrap import Services as AppServices
from app.bootstrap import build_services
from app.config import Settings, load_settings
from app.glados.auth import init_auth
from app.glados.broadcaster import Broadcaster
from app.glados.context import Services
from app.glados.correlation import init_correlation
from app.glados.errors import register_error_handlers
from app.glados.input_guard import init_input_guard
from app.glados.security import init_security_headers


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` may carry SETTINGS, SERVICES (the composition root's bundle) or
    CONTAINER (a bundle is built on it) and EXTRA_SERVICES, so tests and the embedded
    default wire their own adapters. The web process only writes commands to the outbox: it never
    needs the queue to answer (the scheduler's relay delivers them)."""
    config = dict(test_config or {})
    given: AppServices | None = config.pop("SERVICES", None)
    settings: Settings = config.pop("SETTINGS", None) or (given.settings if given else load_settings())
    container = config.pop("CONTAINER", None)
    bundle = given or (build_services(settings, container=container) if container else build_services(settings))

    app = Flask(__name__, static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WEAVER_API_TOKEN=settings.api_token.get_secret_value(),
        WEAVER_HEARTBEAT_SECONDS=settings.stream_heartbeat_seconds,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)

    broadcaster = Broadcaster(bundle.container)
    app.extensions["weaver"] = Services(
        app=bundle, broadcaster=broadcaster, extras=config.pop("EXTRA_SERVICES", {}),
    )
    broadcaster.start()

    init_correlation(app)
    init_security_headers(app)
    init_auth(app)
    init_input_guard(app)
    register_error_handlers(app)
    _register_blueprints(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Unauthenticated liveness for container healthchecks; says nothing else."""
        return {"status": "ok"}

    from app.glados.ui import init_ui

    init_ui(app, settings.ui_dist)
    return app


def _register_blueprints(app: Flask) -> None:
    from app.glados.routes import analysis as analysis_routes
    from app.glados.routes import bars, drift, live, meta, notifications, records, runs, strategies, stream, sweeps
    from app.glados.routes import indicators as indicator_routes
    from app.glados.routes import robustness as robustness_routes
    from app.glados.routes import session as session_routes
    from app.glados.routes import short_ids as short_id_routes
    from app.glados.routes import walkforwards as walkforward_routes

    for module in (meta, session_routes, strategies, runs, records, indicator_routes, analysis_routes, drift, sweeps,
                   robustness_routes, walkforward_routes, short_id_routes, bars, live, notifications, stream):
        app.register_blueprint(module.bp)
    stream.sock.init_app(app)
    from app.glados.routes.metrics import bp as metrics_bp  # GET /metrics (Prometheus), outside /api/v1

    app.register_blueprint(metrics_bp)
