"""Security headers on every response GLaDOS sends: the API's JSON, errors, streams and the built UI.

The policy is the one the built UI (ui/dist) works under: its scripts and styles are files of its own
origin (React sets inline `style` attributes, hence 'unsafe-inline' for styles only), the favicon is a
data: URL, lightweight-charts draws on canvas, and the API, SSE and WebSocket are same-origin
(CSP Level 3 browsers match ws:/wss: to 'self'). Nothing may frame it, and no Referer leaves it."""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
))

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
