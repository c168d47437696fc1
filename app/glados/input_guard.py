"""Refuse NUL characters in a request's headers, path and query string before any route runs.

Postgres refuses NUL in text, so a NUL reaching a query or a write is a 500 at best; refusing it here
covers every route, the streams and the routes that read their query string themselves included.
Bodies are checked where they are parsed (json_body.py), so a field's NUL is a 422 at that field.
"""

from __future__ import annotations

from flask import Flask, Response, request

from app.glados.errors import error_response
from app.glados.json_body import NUL_MESSAGE

CODE = "nul_character"


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def _refuse_nul() -> Response | None:
        headers = sorted(name for name, value in request.headers.items() if "\x00" in name + value)
        if headers:
            return error_response(400, CODE, f"request headers {NUL_MESSAGE}", {"headers": headers})
        if any("\x00" in str(value) for value in (request.view_args or {}).values()):
            return error_response(400, CODE, f"the path {NUL_MESSAGE}")
        fields = {name.replace("\x00", "\\u0000"): NUL_MESSAGE for name, values in request.args.lists()
                  if "\x00" in name or any("\x00" in value for value in values)}
        if fields:
            summary = "; ".join(f"{name}: {why}" for name, why in fields.items())
            return error_response(400, CODE, f"invalid query: {summary}", {"fields": fields})
        return None
