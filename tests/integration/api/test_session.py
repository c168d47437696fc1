"""The browser's session cookie (issue 17, point 9): the token is exchanged once for an HttpOnly,
SameSite=Strict cookie that signs in GETs, changes and the event stream; logging out ends it; Bearer
tokens keep working; a change made with the cookie must send JSON or X-Requested-With."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import requests
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.events import Event
from tests.conftest import TEST_TOKEN
from tests.sse_client import frames, serve


def sign_in(client: FlaskClient, token: str = TEST_TOKEN) -> tuple[int, dict, list[str]]:
    response = client.post("/api/v1/session", json={"token": token})
    return response.status_code, response.get_json(), response.headers.getlist("Set-Cookie")


def cookie_attributes(header: str) -> dict[str, str]:
    name_value, *attributes = (part.strip() for part in header.split(";"))
    found = {"value": name_value.partition("=")[2]}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        found[key.lower()] = value
    return found


def test_the_token_buys_an_httponly_strict_cookie_for_the_api_only(app: Flask) -> None:
    status, body, cookies = sign_in(app.test_client())
    assert status == 201
    assert body["authenticated_by"] == "cookie"
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=6, hours=23) < expires - datetime.now(UTC) <= timedelta(days=7)
    assert len(cookies) == 1 and cookies[0].startswith("weaver_session=")
    flags = cookie_attributes(cookies[0])
    assert "httponly" in flags and flags["samesite"] == "Strict" and flags["path"] == "/api/v1"
    assert flags["max-age"] == str(7 * 24 * 3600)
    assert "secure" not in flags  # plain http (a local standalone): a Secure cookie would never come back
    assert TEST_TOKEN not in flags["value"]


def test_over_https_the_cookie_is_secure(app: Flask) -> None:
    response = app.test_client().post("/api/v1/session", json={"token": TEST_TOKEN}, base_url="https://localhost")
    assert "secure" in cookie_attributes(response.headers["Set-Cookie"])


def test_the_cookie_signs_in_reads_and_changes_and_logout_ends_it(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/api/v1/strategies").status_code == 401
    sign_in(client)
    strategies = client.get("/api/v1/strategies")
    assert strategies.status_code == 200 and any(s["name"] == "buy_and_hold" for s in strategies.get_json())
    assert client.get("/api/v1/session").get_json()["authenticated_by"] == "cookie"
    # a change with a JSON body passes auth and reaches validation
    created = client.post("/api/v1/runs", json={"mode": "backtest"})
    assert created.status_code == 422 and created.get_json()["code"] == "validation_failed"

    logout = client.delete("/api/v1/session", headers={"X-Requested-With": "weaver"})
    assert logout.status_code == 204
    cleared = cookie_attributes(logout.headers["Set-Cookie"])
    assert cleared["value"] == "" and cleared["path"] == "/api/v1" and cleared["max-age"] == "0"
    after = client.get("/api/v1/strategies")
    assert after.status_code == 401 and after.get_json()["code"] == "unauthorized"
    assert client.get("/api/v1/session").get_json() == {"authenticated_by": None, "expires_at": None}


def test_a_change_signed_by_the_cookie_alone_is_refused(app: Flask) -> None:
    """What a form on another localhost port could send: the cookie rides along (same site), but
    neither JSON nor X-Requested-With."""
    client = app.test_client()
    sign_in(client)
    forged = client.post("/api/v1/runs", data={"mode": "backtest"})
    assert forged.status_code == 403
    body = forged.get_json()
    assert body["code"] == "forbidden" and "X-Requested-With" in body["message"] and body["correlation_id"]
    assert client.delete("/api/v1/session").status_code == 403
    # still signed in: the forged logout did nothing
    assert client.get("/api/v1/session").get_json()["authenticated_by"] == "cookie"
    # the same form body with the header passes auth (and fails validation as JSON is required)
    with_header = client.post("/api/v1/runs", data={"mode": "backtest"}, headers={"X-Requested-With": "weaver"})
    assert with_header.status_code == 415


def test_a_websocket_signed_by_the_cookie_must_come_from_this_origin(app: Flask) -> None:
    client = app.test_client()
    sign_in(client)
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    response = client.get("/api/v1/ws", headers={**upgrade, "Origin": "http://localhost:3000"})
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def test_a_wrong_token_buys_nothing_and_gets_the_error_body(app: Flask) -> None:
    client = app.test_client()
    for token in (TEST_TOKEN + "x", TEST_TOKEN[:-1], ""):
        status, body, cookies = sign_in(client, token)
        assert status == 401 and cookies == []
        assert body["code"] == "unauthorized" and "token" in body["message"]
        assert set(body) == {"code", "message", "details", "correlation_id"} and body["correlation_id"]
    assert client.get("/api/v1/strategies").status_code == 401


def test_a_forged_or_foreign_cookie_is_refused(app: Flask) -> None:
    client = app.test_client()
    sign_in(client)
    value = client.get_cookie("weaver_session", path="/api/v1").value
    expires, nonce, signature = value.split(".")
    for forged in (f"{int(expires) + 3600}.{nonce}.{signature}", f"{expires}.{nonce}.{signature[:-2]}AA", "x.y.z", ""):
        client.set_cookie("weaver_session", forged, path="/api/v1")
        assert client.get("/api/v1/strategies").status_code == 401, forged
    client.set_cookie("weaver_session", value, path="/api/v1")
    assert client.get("/api/v1/strategies").status_code == 200
    app.config["WEAVER_API_TOKEN"] = TEST_TOKEN + "-rotated"  # a new token ends every session
    assert client.get("/api/v1/strategies").status_code == 401


def test_bearer_tokens_keep_working_and_a_wrong_one_is_not_rescued_by_a_cookie(app: Flask) -> None:
    bearer = app.test_client().get("/api/v1/session", headers={"Authorization": f"Bearer {TEST_TOKEN}"})
    assert bearer.status_code == 200 and bearer.get_json() == {"authenticated_by": "bearer", "expires_at": None}
    changed = app.test_client().post("/api/v1/runs", data="x", headers={"Authorization": f"Bearer {TEST_TOKEN}"})
    assert changed.status_code == 415  # no CSRF rule for a bearer client: it is not a browser's ambient credential
    client = app.test_client()
    sign_in(client)
    wrong = client.get("/api/v1/strategies", headers={"Authorization": f"Bearer {TEST_TOKEN}x"})
    assert wrong.status_code == 401
    assert client.get("/api/v1/session", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_the_event_stream_is_signed_in_by_the_cookie(app: Flask, pg: Container) -> None:
    """EventSource cannot set headers, but it sends the cookie: no token in the stream's URL."""
    with serve(app) as base, requests.Session() as browser:
        assert browser.get(f"{base}/api/v1/stream", timeout=10).status_code == 401
        assert browser.post(f"{base}/api/v1/session", json={"token": TEST_TOKEN}, timeout=10).status_code == 201
        stream = browser.get(f"{base}/api/v1/stream", params={"run_id": "run-c"}, stream=True, timeout=10)
        assert stream.status_code == 200 and stream.headers["Content-Type"].startswith("text/event-stream")
        reader = frames(stream)
        time.sleep(0.2)
        with pg.uow() as uow:
            uow.outbox.append(Event(type="backtest.progress", run_id="run-c",
                                    payload={"run_id": "run-c", "progress": 0.5, "bars_done": 7, "bars_total": 14}))
            uow.commit()
        frame = next(reader)
        stream.close()
    assert frame.event == "backtest.progress" and frame.data["payload"]["bars_done"] == 7
