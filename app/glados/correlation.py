"""Every request gets a correlation id: taken from X-Correlation-ID when sane, else generated.

It is returned as a header, put in error bodies and logs, and stamped on the events the request
causes (through app.events.context)."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

from app.events.context import Correlation, _current
from app.logs import bind_context, clear_context

HEADER = "X-Correlation-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def init_correlation(app: Flask) -> None:
    @app.before_request
    def _assign() -> None:
        offered = request.headers.get(HEADER, "")
        corr = offered if _SANE.match(offered) else uuid.uuid4().hex
        g.correlation_id = corr
        g.correlation_token = _current.set(Correlation(corr_id=corr, trace_id=corr))
        bind_context(correlation_id=corr)

    @app.after_request
    def _echo(response: Response) -> Response:
        if getattr(g, "correlation_id", None):
            response.headers[HEADER] = g.correlation_id
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("correlation_token", None)
        if token is not None:
            _current.reset(token)
        clear_context()
