"""Bearer-token auth for every /api/v1 endpoint, compared in constant time.

The stream endpoints also take the token as `?token=`, because EventSource cannot set headers.
A missing or wrong token gets the same 401, which says nothing about which it was.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, request

from app.glados.errors import error_response

API_PREFIX = "/api/v1"
QUERY_TOKEN_PATHS = (f"{API_PREFIX}/stream", f"{API_PREFIX}/ws")


def presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if request.path in QUERY_TOKEN_PATHS:
        return request.args.get("token")
    return None


def token_is_valid(token: str | None) -> bool:
    expected = current_app.config["WEAVER_API_TOKEN"].encode()
    # compare_digest takes as long for a near miss as for a wild guess
    return hmac.compare_digest((token or "").encode(), expected)


def init_auth(app: Flask) -> None:
    @app.before_request
    def _require_token() -> Response | None:
        if not request.path.startswith(API_PREFIX) or request.method == "OPTIONS":
            return None
        if token_is_valid(presented_token()):
            return None
        return error_response(401, "unauthorized", "a valid API token is required (Authorization: Bearer …)")
