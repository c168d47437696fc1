"""Errors a user can cause, raised by services and turned into the seed's error body by GLaDOS."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationFailed(ServiceError):
    """Input that is well-formed but wrong; `fields` maps a dotted field path to what is wrong."""

    status = 422
    code = "validation_failed"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        summary = message or "; ".join(f"{name}: {why}" for name, why in fields.items())
        super().__init__(summary, {"fields": fields})
        self.fields = fields


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class NotConfigured(ServiceError):
    """A capability that needs configuration the operator has not given (e.g. live keys)."""

    status = 422
    code = "not_configured"
