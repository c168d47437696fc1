"""What the live worker last saw of each broker account, recorded at the HTTP edge.

The live worker owns every broker call; the web process must not make one to answer /health. So
the composition root wraps the HTTP sessions of each Alpaca adapter it builds, and every request's
outcome updates a small in-memory record that the worker's heartbeat carries to Redis (or, in the
embedded default, to the in-process heartbeat store), where /health and /metrics read it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

RETRYABLE_STATUSES = {429, 500, 502, 503, 504}


class BrokerContacts:
    """Per account kind: calls, errors, and the time and outcome of the last contact."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, dict[str, Any]] = {}

    def record(self, account: str, error: str | None) -> None:
        now = time.time()
        with self._lock:
            seen = self._accounts.setdefault(account, {"calls": 0, "errors": 0, "last_contact_at": None,
                                                       "last_ok_at": None, "last_error_at": None,
                                                       "last_error": None})
            seen["calls"] += 1
            seen["last_contact_at"] = now
            if error is None:
                seen["last_ok_at"] = now
            else:
                seen["errors"] += 1
                seen["last_error_at"], seen["last_error"] = now, error[:300]

    def snapshot(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {account: dict(seen) for account, seen in self._accounts.items()}


def watch_sessions(broker: Any, account: str, contacts: BrokerContacts) -> Any:
    """Record every HTTP request of an Alpaca adapter's clients (trading and market data). A 4xx is
    the broker answering (a refused order is not an outage); 429, 5xx and network errors are errors."""
    for client in (getattr(broker, "trading", None), getattr(broker, "data", None)):
        session = getattr(client, "_session", None)
        if session is not None:
            session.request = _recording(session.request, account, contacts)
    return broker


def _recording(send: Callable[..., Any], account: str, contacts: BrokerContacts) -> Callable[..., Any]:
    def request(*args: Any, **kwargs: Any) -> Any:
        try:
            response = send(*args, **kwargs)
        except Exception as exc:
            contacts.record(account, f"{exc.__class__.__name__}: {exc}")
            raise
        status = getattr(response, "status_code", 200)
        contacts.record(account, f"HTTP {status}" if status in RETRYABLE_STATUSES else None)
        return response

    return request
