"""What runs around every request: API-key and admin-token checks, rate limit and injected faults."""

from __future__ import annotations

import collections
import hmac
import math
import threading
import time

from flask import Flask, Response, current_app, g, jsonify, request

from app.exchange.errors import ExchangeError
from app.exchange.faults import FaultRule
from app.exchange.web.app import exchange_of_app

ADMIN_PREFIX = "/_exchange"
PUBLIC = frozenset({"/_exchange/health"})
IN_BAND_AUTH = frozenset({"/stream", "/v2/iex", "/v2/sip", "/v2/delayed_sip", "/v2/test", "/v1beta3/crypto/us"})
CRYPTO_DATA = "/v1beta3/crypto/"  # Alpaca serves crypto data without keys; with keys they are checked


def error_response(status: int, message: str | None = None) -> tuple[Response, int]:
    return jsonify(ExchangeError.for_status(status, message).body()), status


def init_app(app: Flask) -> None:
    app.extensions["weaver_exchange_rate"] = (threading.Lock(), collections.defaultdict(collections.deque))
    app.before_request(_before)
    app.after_request(_after)


def _before() -> tuple[Response, int] | None:
    path = request.path
    if path.startswith(ADMIN_PREFIX):
        return None if path in PUBLIC or _admin_ok() else error_response(401, "admin token required")
    exchange = exchange_of_app()
    account = None
    keyless = path.startswith(CRYPTO_DATA) and "APCA-API-KEY-ID" not in request.headers
    if path not in IN_BAND_AUTH and not keyless:  # the streams authenticate in-band, as Alpaca's do
        account = exchange.authenticate(request.headers.get("APCA-API-KEY-ID"),
                                        request.headers.get("APCA-API-SECRET-KEY"))
        if account is None:
            return error_response(401)
        g.account = account
        g.rate = _take_request(account.name)
        if g.rate is not None and g.rate[1] < 0:
            return error_response(429, "rate limit exceeded")  # _after adds the rate headers
    rule = exchange.faults.take(request.method, path, account.name if account else None)
    if rule is None:
        return None
    if rule.after_commit:
        g.fault = rule
        return None
    if rule.delay_ms:
        time.sleep(rule.delay_ms / 1000)
    return error_response(rule.status, rule.message) if rule.status else None


def _after(response: Response) -> Response:
    _with_rate_headers(response)
    rule: FaultRule | None = g.pop("fault", None)
    if rule is None:
        return response
    if rule.delay_ms:
        time.sleep(rule.delay_ms / 1000)
    if rule.status:
        body, status = error_response(rule.status, rule.message)
        body.status_code = status
        return body
    return response


def _admin_ok() -> bool:
    expected = current_app.config["EXCHANGE_ADMIN_TOKEN"]
    given = request.headers.get("X-Exchange-Admin-Token") or ""
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        given = given or bearer[len("Bearer "):]
    return hmac.compare_digest(given.encode(), expected.encode())


def _take_request(account: str) -> tuple[int, int, int] | None:
    """Alpaca's per-account limit (200 requests a minute), when `--rate-limit` turns it on: the limit,
    the requests left in the sliding minute (-1: this one is refused, and not counted) and the Unix
    second at which the oldest counted request leaves the window."""
    limit = exchange_of_app().config.rate_limit_per_minute
    if limit is None:
        return None
    lock, windows = current_app.extensions["weaver_exchange_rate"]
    now = time.monotonic()
    with lock:
        window = windows[account]
        while window and now - window[0] >= 60:
            window.popleft()
        refused = len(window) >= limit
        if not refused:
            window.append(now)
        reset = time.time() + (60 - (now - window[0]) if window else 60)
        return limit, -1 if refused else limit - len(window), math.ceil(reset)


def _with_rate_headers(response: Response) -> None:
    """`X-RateLimit-Limit`, `-Remaining` and `-Reset` on every answer to an account, as Alpaca sends them."""
    rate = g.get("rate")
    if rate is not None:
        limit, remaining, reset = rate
        response.headers["X-RateLimit-Limit"] = str(limit)
        response.headers["X-RateLimit-Remaining"] = str(max(remaining, 0))
        response.headers["X-RateLimit-Reset"] = str(reset)
