"""The browser's session cookie: the API token, exchanged once (POST /api/v1/session), for a cookie
every tab of the browser sends by itself, so the token leaves the address bar and never sits in script-
readable storage. API clients keep sending `Authorization: Bearer <token>`.

The cookie is `<expiry>.<nonce>.<signature>`: an HMAC-SHA256 keyed by a key derived from the API token,
so nothing is stored server-side, every web process can check it, and changing WEAVER_API_TOKEN ends
every session at once. It is HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it), Path=/api/v1 (asset requests don't carry it) and Secure when the request came over https.
Logging out (DELETE /api/v1/session) expires the cookie in the browser.

CSRF: SameSite=Strict keeps cross-site requests from carrying the cookie, but pages on the same
*site* (another port of localhost, a sibling subdomain) still send it. So a state-changing request
(POST, PUT, PATCH, DELETE) authenticated by the cookie must also carry a JSON body
(Content-Type: application/json) or the `X-Requested-With` header. An HTML form can send neither, and a
cross-origin script that sets either triggers a CORS preflight this API never approves, so the
request is never sent. The WebSocket handshake has no preflight, so a cookie-authenticated /ws
upgrade must come from this origin (its Origin header names this host).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from flask import Request, Response, current_app

COOKIE = "weaver_session"
COOKIE_PATH = "/api/v1"
LIFETIME_SECONDS = 7 * 24 * 3600
CSRF_HEADER = "X-Requested-With"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _key() -> bytes:
    token = current_app.config["WEAVER_API_TOKEN"].encode()
    return hmac.new(token, b"weaver session cookie v1", hashlib.sha256).digest()


def _sign(payload: str) -> str:
    digest = hmac.new(_key(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_session_value(now: float | None = None) -> tuple[str, int]:
    """A fresh cookie value and its expiry (Unix seconds)."""
    expires = int(now if now is not None else time.time()) + LIFETIME_SECONDS
    payload = f"{expires}.{secrets.token_urlsafe(16)}"
    return f"{payload}.{_sign(payload)}", expires


def session_expiry(value: str | None, now: float | None = None) -> int | None:
    """The expiry of a cookie value this app signed and that has not expired; None otherwise."""
    if not value or value.count(".") != 2:
        return None
    expires, nonce, signature = value.split(".")
    if not hmac.compare_digest(signature.encode(), _sign(f"{expires}.{nonce}").encode()):
        return None
    if not expires.isascii() or not expires.isdigit():
        return None
    return int(expires) if int(expires) > (now if now is not None else time.time()) else None


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(COOKIE, value, max_age=LIFETIME_SECONDS, path=COOKIE_PATH, httponly=True,
                        samesite="Strict", secure=request.is_secure)


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Strict", secure=request.is_secure)


def cookie_request_is_forgeable(request: Request) -> bool:
    """True when a cookie-authenticated request could have come from another page (see the module's
    docstring): a state change with neither a JSON body nor X-Requested-With, or a /ws upgrade from
    another origin."""
    if request.method in UNSAFE_METHODS:
        return not (request.headers.get(CSRF_HEADER) or (request.mimetype or "") == "application/json")
    if request.path.endswith("/ws"):
        origin = request.headers.get("Origin")
        return origin is not None and urlsplit(origin).netloc != request.host
    return False
