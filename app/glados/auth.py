"""Auth for every /api/v1 endpoint: a Bearer token (API clients), or the browser's session cookie
(app/glados/session.py), the token compared in constant time.

The stream endpoints also take the token as `?token=`, for clients that can set neither a header nor
a cookie. A missing or wrong credential gets the same 401, which says nothing about which it was. A
wrong Bearer token is refused even beside a valid cookie: the client said who it is, and it is not.
POST /api/v1/session checks the token in its body itself (it is how a browser signs in), and
GET /api/v1/session says whether the request is signed in at all.
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, request

from app.glados.errors import error_response
from app.glados.session import COOKIE, cookie_request_is_forgeable, session_expiry

API_PREFIX = "/api/v1"
QUERY_TOKEN_PATHS = (f"{API_PREFIX}/stream", f"{API_PREFIX}/ws")
SESSION_PATH = f"{API_PREFIX}/session"
UNAUTHORIZED = "a valid API token is required (Authorization: Bearer …, or sign in at POST /api/v1/session)"


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
        token = presented_token()
        if token is not None:
            return None if token_is_valid(token) else error_response(401, "unauthorized", UNAUTHORIZED)
        if request.path == SESSION_PATH and request.method == "POST":
            return None
        if session_expiry(request.cookies.get(COOKIE)) is None:
            if request.path == SESSION_PATH and request.method == "GET":
                return None  # it answers "not signed in" (the UI asks on every load; a 401 would log an error)
            return error_response(401, "unauthorized", UNAUTHORIZED)
        if cookie_request_is_forgeable(request):
            return error_response(403, "forbidden", "a request signed in by the session cookie that changes "
                                  "something must send JSON or an X-Requested-With header")
        return None
