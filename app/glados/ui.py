"""Serve the built React UI (ui/dist) from `web`, with client-side routes falling back to index.html."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

DEFAULT_DIST = Path(__file__).resolve().parents[2] / "ui" / "dist"


def init_ui(app: Flask, dist: Path | None) -> None:
    root = (dist or DEFAULT_DIST).resolve()

    @app.get("/")
    @app.get("/<path:path>")
    def ui(path: str = "") -> Response:
        if path.startswith("api/"):
            abort(404)
        if not (root / "index.html").is_file():
            return Response(
                "Weaver's UI is not built. Run scripts/setup.sh (it runs `npm ci && npm run build` in ui/).",
                status=503, mimetype="text/plain",
            )
        candidate = (root / path).resolve()
        if path and candidate.is_file() and root in candidate.parents:
            response = send_from_directory(root, path)
            if path.startswith("assets/"):
                response.cache_control.max_age = 31536000  # hashed file names
                response.cache_control.immutable = True
            return response
        return send_from_directory(root, "index.html")
