"""Serve the built React UI (ui/dist) from `web`, with client-side routes falling back to index.html.

Files under /assets have content hashes in their names, so a browser keeps them a year without asking
again; index.html names the current hashes, so it is revalidated on every load (no-cache). The build
writes brotli and gzip copies beside each text asset (ui/vite.config.ts), sent to a browser that accepts
them instead of compressing the same bytes on every request.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory
from werkzeug.exceptions import HTTPException

DEFAULT_DIST = Path(__file__).resolve().parents[2] / "ui" / "dist"


def init_ui(app: Flask, dist: Path | None) -> None:
    root = (dist or DEFAULT_DIST).resolve()

    @app.get("/")
    @app.get("/<path:path>")
    def ui(path: str = "") -> Response:
        if path.startswith("api/"):
            allowed = api_methods(app, "/" + path)
            if allowed:  # a GET of a POST-only route reaches this catch-all: it is a 405, not a 404
                abort(405, valid_methods=allowed)
            abort(404)
        if not (root / "index.html").is_file():
            return Response(
                "Weaver's UI is not built. Run scripts/setup.sh (it runs `npm ci && npm run build` in ui/).",
                status=503, mimetype="text/plain",
            )
        candidate = (root / path).resolve()
        if path and candidate.is_file() and root in candidate.parents and path != "index.html":
            if path.startswith("assets/"):
                response = send_compressed(root, path)
                response.cache_control.immutable = True
                return response
            return send_from_directory(root, path)
        response = send_from_directory(root, "index.html")
        response.cache_control.no_cache = True
        return response


PRECOMPRESSED = (("br", ".br"), ("gzip", ".gz"))  # the first the browser accepts wins
YEAR_SECONDS = 31536000  # hashed file names: a changed file is a new name


def send_compressed(root: Path, path: str) -> Response:
    """`path`, or its precompressed copy when the request's Accept-Encoding allows one."""
    for encoding, suffix in PRECOMPRESSED:
        if request.accept_encodings.quality(encoding) > 0 and (root / (path + suffix)).is_file():
            mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
            response = send_from_directory(root, path + suffix, mimetype=mimetype, max_age=YEAR_SECONDS)
            response.headers["Content-Encoding"] = encoding
            break
    else:
        response = send_from_directory(root, path, max_age=YEAR_SECONDS)
    response.vary.add("Accept-Encoding")
    return response


def api_methods(app: Flask, path: str) -> list[str]:
    """The methods the API serves at `path` (empty: no API route there), the catch-all above not counted."""
    adapter = app.url_map.bind(request.host, url_scheme=request.scheme)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != "ui":
            allowed.append(method)
    return allowed + (["HEAD"] if "GET" in allowed else []) + (["OPTIONS"] if allowed else [])
