"""The seed's error model: every error is `{code, message, details, correlation_id}` with a 4xx/5xx.

Handlers are registered on the app, so a route never formats an error itself.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

from app.services.errors import ServiceError
from app.services.lifecycle import InvalidTransition

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
}


class ErrorBody(BaseModel):
    """What every failed request returns."""

    code: str = Field(description="stable machine-readable error code, e.g. validation_failed")
    message: str = Field(description="what went wrong, for a person")
    details: dict[str, Any] = Field(default_factory=dict, description="e.g. {'fields': {'cash': '...'}}")
    correlation_id: str = Field(description="also in the X-Correlation-ID header and the server logs")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or {}


def error_response(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Response:
    body = ErrorBody(code=code, message=message, details=details or {},
                     correlation_id=getattr(g, "correlation_id", "") or "")
    response = jsonify(body.model_dump())
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="weaver"'
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(InvalidTransition)
    def _transition(exc: InvalidTransition) -> Response:
        return error_response(409, "invalid_transition", str(exc),
                              {"status": exc.current, "requested": exc.target})

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is larger than the {limit:,}-byte limit" if limit else message
        response = error_response(status, HTTP_CODES.get(status, "http_error"), message)
        for name, value in exc.get_headers():  # e.g. Allow on a 405, Retry-After on a 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred; the server log has the details "
                                                     "under this correlation id")
