"""The Flask app factory: GLaDOS, the only northbound API (REST, SSE, WebSocket) and the UI host."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.bootstrap import bootstrap
from app.config import Settings, load_settings
from app.glados.auth import init_auth
from app.glados.broadcaster import Broadcaster
from app.glados.context import Services
from app.glados.correlation import init_correlation
from app.glados.errors import register_error_handlers
from app.services.runs import RunService


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `test_config` may carry SETTINGS, CONTAINER, COMMANDS (a CommandBus),
    HEALTH_PROBES and EXTRA_SERVICES, so tests and the embedded default wire their own adapters."""
    config = dict(test_config or {})
    settings: Settings = config.pop("SETTINGS", None) or load_settings()
    container = config.pop("CONTAINER", None) or bootstrap(settings)
    commands = config.pop("COMMANDS", None)
    probes = config.pop("HEALTH_PROBES", None)
    if commands is None:
        commands, probes = _dramatiq_adapters(settings)

    app = Flask(__name__, static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WEAVER_API_TOKEN=settings.api_token.get_secret_value(),
        WEAVER_HEARTBEAT_SECONDS=15.0,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)

    broadcaster = Broadcaster(container)
    runs = RunService(
        container.uow, commands, live_accounts=lambda kind: settings.alpaca(kind) is not None,
        is_real_alpaca=lambda kind: "alpaca.markets" in (getattr(settings.alpaca(kind), "base_url", "") or ""),
    )
    app.extensions["weaver"] = Services(
        container=container, commands=commands, runs=runs, broadcaster=broadcaster, health_probes=probes or {},
        extras=config.pop("EXTRA_SERVICES", {}),
    )
    broadcaster.start()

    init_correlation(app)
    init_auth(app)
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
    from app.glados.routes import bars, drift, live, meta, records, runs, strategies, stream, sweeps

    for module in (meta, strategies, runs, records, drift, sweeps, bars, live, stream):
        app.register_blueprint(module.bp)
    stream.sock.init_app(app)


def _dramatiq_adapters(settings: Settings) -> tuple[Any, dict[str, Any]]:
    from workers.actors import declare_actors
    from workers.broker import build_broker
    from workers.bus import DramatiqCommandBus

    broker, heartbeats = build_broker(settings)
    bus = DramatiqCommandBus(declare_actors(broker))
    return bus, {"broker": heartbeats.ping, "workers": heartbeats.alive}
