"""What actors run against in this process: the composition root's services (app/bootstrap.py).

A worker process installs its bundle at start-up (workers/entry.py), built lazily so the database
is connected after the fork; the embedded default and tests install one they built themselves.
"""

from __future__ import annotations

import threading
from typing import Any

from app.bootstrap import Container, Services, build_services
from app.config import Settings, load_settings

Runtime = Services  # the name the actors and tests know it by

_runtime: Services | None = None
_lock = threading.Lock()


def install(runtime: Services | None) -> None:
    global _runtime
    _runtime = runtime


def build_runtime(settings: Settings, container: Container | None = None, **overrides: Any) -> Services:
    if container is not None:
        overrides["container"] = container
    return build_services(settings, **overrides)


def runtime() -> Services:
    global _runtime
    if _runtime is None:
        with _lock:
            if _runtime is None:
                _runtime = build_services(load_settings())
    return _runtime
