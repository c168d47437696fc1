from __future__ import annotations

from flask import Flask

from tests.conftest import TEST_TOKEN


def test_every_api_endpoint_needs_the_token(app: Flask) -> None:
    client = app.test_client()
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert len(api_rules) > 15
    for rule in api_rules:
        path = rule.rule.replace("<", "").replace(">", "")
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(path, method=method)
        if (method, path) == ("GET", "/api/v1/session"):  # it answers "not signed in", and nothing else
            assert response.get_json() == {"authenticated_by": None, "expires_at": None}
            continue
        assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
        body = response.get_json()
        assert body["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_gets_the_same_answer_as_none(app: Flask) -> None:
    client = app.test_client()
    missing = client.get("/api/v1/runs")
    wrong = client.get("/api/v1/runs", headers={"Authorization": f"Bearer {TEST_TOKEN}x"})
    almost = client.get("/api/v1/runs", headers={"Authorization": f"Bearer {TEST_TOKEN[:-1]}"})
    for response in (wrong, almost):
        assert response.status_code == 401
        assert response.get_json()["message"] == missing.get_json()["message"]


def test_the_token_is_accepted_in_the_header_and_on_the_stream_query_only(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/v1/runs", headers={"Authorization": f"Bearer {TEST_TOKEN}"}).status_code == 200
    assert client.get(f"/api/v1/runs?token={TEST_TOKEN}").status_code == 401  # not outside the streams
    stream = client.get(f"/api/v1/stream?token={TEST_TOKEN}", buffered=False)
    assert stream.status_code == 200 and stream.mimetype == "text/event-stream"
    stream.close()


def test_liveness_and_the_ui_need_no_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    page = client.get("/runs/some-client-side-route")
    assert page.status_code in (200, 503)  # 503 only when the UI has not been built
    assert page.mimetype == ("text/html" if page.status_code == 200 else "text/plain")
    page.close()
