"""The request deadline answers a slow request with the JSON 504, but never a bar upload, whose time
grows with its file: the upload answers when its bars are stored."""

from __future__ import annotations

import time

from flask import Flask

from app.glados.deadline import install_request_deadline
from app.glados.errors import register_error_handlers


def slow_app() -> Flask:
    app = Flask(__name__)
    register_error_handlers(app)

    @app.post("/api/v1/bars/import")
    def upload() -> dict[str, int]:
        time.sleep(0.6)
        return {"inserted": 3}

    @app.get("/api/v1/runs")
    def runs() -> dict[str, list[str]]:
        time.sleep(0.6)
        return {"items": []}

    install_request_deadline(app, 0.2)
    return app


def test_a_slow_request_gets_the_json_504() -> None:
    answer = slow_app().test_client().get("/api/v1/runs")
    assert answer.status_code == 504
    assert answer.get_json()["code"] == "request_timeout"


def test_a_slow_upload_is_answered_when_done() -> None:
    answer = slow_app().test_client().post("/api/v1/bars/import")
    assert answer.status_code == 200 and answer.get_json() == {"inserted": 3}
