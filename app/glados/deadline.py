"""The request deadline: a non-stream request that has no response after `seconds` gets a 504 with the
API's JSON error body instead of a connection that hangs.

DESIGN: the handler runs in a helper thread (a greenlet under gunicorn's gevent worker, where `threading`
is patched) while the serving thread waits for it with a timeout. Python cannot stop a thread safely,
so a late handler is not interrupted: it finishes in the background (its transaction commits or rolls
back as usual) and its answer is dropped. The deadline covers producing the response (status and
headers), not sending a streamed body, and does not apply to the SSE and WebSocket streams, which are
meant to stay open. Under gevent it only fires for handlers that wait (database, network): CPU-bound
work never yields to the waiting greenlet.
"""

from __future__ import annotations

import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g

from app.glados.correlation import HEADER
from app.glados.errors import error_response

log = logging.getLogger(__name__)
STREAM_PATHS = frozenset({"/api/v1/stream", "/api/v1/ws"})
# A bar upload's time grows with its file (a gigabyte is minutes of checking and storing): it answers
# when the bars are stored, and a 504 midway would tell a user an import failed that then succeeds.
UNBOUNDED_PATHS = STREAM_PATHS | {"/api/v1/bars/import"}
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_HEADER_KEY = "HTTP_" + HEADER.upper().replace("-", "_")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def install_request_deadline(app: Flask, seconds: float) -> None:
    """Wrap the app's WSGI callable (no-op for 0: no deadline)."""
    if seconds > 0:
        app.wsgi_app = RequestDeadline(app, app.wsgi_app, seconds)  # type: ignore[method-assign]


def is_stream(environ: dict[str, Any]) -> bool:
    return environ.get("PATH_INFO", "") in STREAM_PATHS or environ.get("HTTP_UPGRADE", "").lower() == "websocket"


class RequestDeadline:
    def __init__(self, flask_app: Flask, inner: WsgiApp, seconds: float):
        self.flask_app, self.inner, self.seconds = flask_app, inner, seconds

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if is_stream(environ) or environ.get("PATH_INFO", "") in UNBOUNDED_PATHS:
            return self.inner(environ, start_response)
        call = _Call(self.inner, environ)
        worker = threading.Thread(target=call.run, name="request", daemon=True)
        worker.start()
        if not call.done.wait(self.seconds):
            return self._timed_out(environ, start_response)
        if call.error is not None:
            raise call.error
        assert call.started is not None
        start_response(*call.started)
        return call.result if not call.written else [*call.written, *call.result]

    def _timed_out(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        offered = environ.get(_HEADER_KEY, "")
        log.warning("%s %s had no response within %g s: answered 504, the handler goes on in the background",
                    environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), self.seconds)
        with self.flask_app.request_context(environ):
            g.correlation_id = offered if _SANE.match(offered) else uuid.uuid4().hex
            response = error_response(504, "request_timeout",
                                      f"the request had no response within {self.seconds:g} s; it may still "
                                      "complete in the background, so check before retrying a change",
                                      {"timeout_seconds": self.seconds})
            if "werkzeug.socket" not in environ:  # werkzeug closes every connection already
                response.headers["Connection"] = "close"  # the late handler may still read the body
            response = self.flask_app.process_response(response)  # correlation id, security headers
        return response(environ, start_response)


class _Call:
    """One run of the inner app, its start_response arguments captured for the serving thread."""

    def __init__(self, inner: WsgiApp, environ: dict[str, Any]):
        self.inner, self.environ = inner, environ
        self.done = threading.Event()
        self.started: tuple[Any, ...] | None = None
        self.written: list[bytes] = []
        self.result: Iterable[bytes] = ()
        self.error: BaseException | None = None

    def start_response(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
        self.started = (status, headers, exc_info) if exc_info else (status, headers)
        return self.written.append

    def run(self) -> None:
        try:
            self.result = self.inner(self.environ, self.start_response)
        except BaseException as exc:  # re-raised in the serving thread, as if the app had run there
            self.error = exc
        finally:
            self.done.set()
