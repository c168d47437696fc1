"""Every response carries the security headers (issue 14, item 8): the API's JSON, its errors, a 405
(which also says what is allowed), the SSE stream and the built UI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.bootstrap import Container
from app.glados.app import create_app
from app.glados.security import CONTENT_SECURITY_POLICY
from tests.conftest import TEST_TOKEN


def assert_secured(response: TestResponse) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_policy_lets_the_built_ui_work_and_nothing_frame_it() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'" and "data:" in directives["img-src"]
    assert directives["frame-ancestors"] == "'none'"


def test_an_api_json_response_is_secured(client: FlaskClient) -> None:
    response = client.get("/api/v1/strategies")
    assert response.status_code == 200 and response.is_json
    assert_secured(response)


def test_error_responses_are_secured(client: FlaskClient, app: Flask) -> None:
    missing = client.get("/api/v1/runs/no-such-run")
    assert missing.status_code == 404 and missing.get_json()["code"]
    assert_secured(missing)
    unauthorized = app.test_client().get("/api/v1/runs")
    assert unauthorized.status_code == 401
    assert_secured(unauthorized)


def test_a_405_says_which_methods_are_allowed(client: FlaskClient) -> None:
    response = client.delete("/api/v1/strategies")
    assert response.status_code == 405 and response.get_json()["code"] == "method_not_allowed"
    assert response.headers["Content-Type"] == "application/json"
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "HEAD", "OPTIONS"}
    assert_secured(response)


def test_the_event_stream_is_secured(client: FlaskClient) -> None:
    response = client.get("/api/v1/stream", buffered=False)
    try:
        assert response.status_code == 200 and response.mimetype == "text/event-stream"
        assert_secured(response)
    finally:
        response.close()


@pytest.fixture
def ui_client(pg: Container, tmp_path: Path) -> Iterator[FlaskClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><div id="root"></div><script type="module" '
                                         'src="/assets/index.js"></script>')
    (tmp_path / "assets" / "index.js").write_text("console.log('haro')")
    flask_app = create_app({"SETTINGS": pg.settings.model_copy(update={"ui_dist": tmp_path}), "CONTAINER": pg})
    yield flask_app.test_client()
    flask_app.extensions["weaver"].broadcaster.stop()


def test_the_ui_is_secured(ui_client: FlaskClient) -> None:
    for path in ("/", "/runs/some-client-route", "/assets/index.js"):
        with ui_client.get(path) as response:
            assert response.status_code == 200, path
            assert_secured(response)
            if not path.startswith("/assets/"):
                assert response.mimetype == "text/html"


def test_a_token_holder_is_secured_too(ui_client: FlaskClient) -> None:
    response = ui_client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {TEST_TOKEN}"})
    assert response.status_code == 200
    assert_secured(response)
