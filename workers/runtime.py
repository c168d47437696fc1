"""What actors run against in this process: the wired container and the services.

A worker process builds it from settings on first use; the embedded default and tests install
one they built themselves (same code, other adapters).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from app.bootstrap import Container, bootstrap
from app.config import Settings, load_settings


@dataclass
class Runtime:
    container: Container
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def backtests(self) -> Any:
        return self.services["backtests"]

    @property
    def live(self) -> Any:
        return self.services["live"]


_runtime: Runtime | None = None
_lock = threading.Lock()


def install(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def build_runtime(settings: Settings, container: Container | None = None, **extra: Any) -> Runtime:
    from app.services.backtests import BacktestService
    from app.veda.alpaca import AlpacaBroker
    from app.veda.service import LiveService

    container = container or bootstrap(settings)
    runtime = Runtime(container=container)
    runtime.services["backtests"] = BacktestService(
        container.uow, container.read_session, stale_after=timedelta(seconds=settings.backtest_stale_seconds))
    brokers = {kind: AlpacaBroker(creds) for kind in ("paper", "live") if (creds := settings.alpaca(kind))}
    runtime.services["live"] = LiveService(container.uow, brokers)
    runtime.services.update(extra)
    return runtime


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        with _lock:
            if _runtime is None:
                _runtime = build_runtime(load_settings())
    return _runtime
