"""Inputs that once made the API answer 500: each is now a 4xx with the error body, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.bootstrap import Container
from app.walle.models import OutboxEvent, Run, Sweep
from tests.integration.api.conftest import issued, store_daily_bars

RUN: dict[str, Any] = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                       "params": {"fast": 5, "slow": 20}, "cash": "10000"}
SWEEP: dict[str, Any] = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                         "grid": {"fast": [5, 10]}, "params": {"slow": 20}}
OVERFLOWING_START = "0001-01-01T00:00:00+01:00"  # one hour before year 1 in UTC


@pytest.fixture(autouse=True)
def _bars(pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=60)


def assert_refused(response: Any, status: int, code: str, pg: Container) -> dict[str, Any]:
    """The status and the error body, and nothing stored or sent."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "message", "details", "correlation_id"}, body
    assert body["code"] == code and body["message"]
    with pg.read_session() as session:
        for table in (Run, Sweep, OutboxEvent):
            assert session.scalar(select(func.count()).select_from(table)) == 0
    assert issued(pg) == []
    return body


@pytest.mark.parametrize("when", [OVERFLOWING_START, "9999-12-31T23:59:59-01:00", "1969-12-31T23:59:59Z",
                                  "2101-01-01T00:00:00Z"])
@pytest.mark.parametrize("path, payload", [("/api/v1/runs", RUN), ("/api/v1/sweeps", SWEEP)])
def test_a_start_out_of_range_is_a_422_on_runs_and_sweeps(client: FlaskClient, pg: Container, path: str,
                                                          payload: dict[str, Any], when: str) -> None:
    body = assert_refused(client.post(path, json={**payload, "start": when}), 422, "validation_failed", pg)
    assert "1970" in body["details"]["fields"]["start"] and "2100" in body["details"]["fields"]["start"]


@pytest.mark.parametrize("when", [OVERFLOWING_START, "1900-01-01T00:00:00Z", "2200-01-01T00:00:00Z"])
def test_a_bars_window_out_of_range_is_a_422(client: FlaskClient, pg: Container, when: str) -> None:
    body = assert_refused(client.get("/api/v1/bars", query_string={"symbol": "AAPL", "start": when}), 422,
                          "validation_failed", pg)
    assert "start" in body["details"]["fields"]


def test_a_nul_byte_in_a_query_filter_is_a_400(client: FlaskClient, pg: Container) -> None:
    body = assert_refused(client.get("/api/v1/runs?status=%00"), 400, "nul_character", pg)
    assert "NUL" in body["details"]["fields"]["status"]


def test_a_nul_byte_in_a_path_is_a_400(client: FlaskClient, pg: Container) -> None:
    assert_refused(client.get("/api/v1/runs/ab%00cd"), 400, "nul_character", pg)
    assert_refused(client.get("/api/v1/sweeps/%00/results"), 400, "nul_character", pg)


@pytest.mark.parametrize("payload, field", [
    ({**RUN, "name": "a\u0000b"}, "name"),
    ({**RUN, "params": {"fast": 5, "slow": 20, "note": "\u0000"}}, "params.note"),
    ({**RUN, "params": {"fast\u0000": 5}}, "params"),
])
def test_a_nul_byte_anywhere_in_a_body_is_a_422(client: FlaskClient, pg: Container, payload: dict[str, Any],
                                                field: str) -> None:
    body = assert_refused(client.post("/api/v1/runs", json=payload), 422, "validation_failed", pg)
    assert "NUL" in body["details"]["fields"][field]


def test_a_nul_byte_in_a_header_is_a_400(client: FlaskClient, pg: Container) -> None:
    body = assert_refused(client.post("/api/v1/runs", json=RUN, headers={"Idempotency-Key": "k\u0000"}), 400,
                          "nul_character", pg)
    assert body["details"]["headers"] == ["Idempotency-Key"]


@pytest.mark.parametrize("depth", [65, 100_000])
def test_json_nested_deeper_than_64_levels_is_a_400(client: FlaskClient, pg: Container, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    raw = '{"strategy": "sma_cross", "symbols": ["AAPL"], "params": {"fast": ' + nested + "}}"
    body = assert_refused(client.post("/api/v1/runs", data=raw, content_type="application/json"), 400,
                          "too_deeply_nested", pg)
    assert "64" in body["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(client: FlaskClient, pg: Container) -> None:
    response = client.post("/api/v1/runs", json={**RUN, "name": "[" * 99 + '\\"' + "{" * 99})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_in_a_body_are_a_400(client: FlaskClient, pg: Container, number: str) -> None:
    raw = '{"strategy": "sma_cross", "symbols": ["AAPL"], "cash": ' + number + "}"
    body = assert_refused(client.post("/api/v1/runs", data=raw, content_type="application/json"), 400,
                          "malformed_json", pg)
    assert "finite" in body["message"]


@pytest.mark.parametrize("payload, field", [
    ({**RUN, "cash": 1e308}, "cash"),
    ({**RUN, "cash": "NaN"}, "cash"),
    ({**RUN, "cash": "Infinity"}, "cash"),
    ({**RUN, "risk": {"max_position_value": 1e308}}, "risk.max_position_value"),
    ({**RUN, "risk": {"max_daily_loss": "1e30"}}, "risk.max_daily_loss"),
    ({**RUN, "risk": {"max_order_value": "sNaN"}}, "risk.max_order_value"),
    ({**RUN, "risk": {"max_orders_per_day": 10**30}}, "risk.max_orders_per_day"),
    ({**RUN, "fees": {"model": "per_share", "rate": "Infinity"}}, "fees.rate"),
    ({**SWEEP, "cash": "1e308"}, "cash"),
])
def test_money_that_would_not_fit_its_column_is_a_422(client: FlaskClient, pg: Container, payload: dict[str, Any],
                                                      field: str) -> None:
    path = "/api/v1/sweeps" if "grid" in payload else "/api/v1/runs"
    body = assert_refused(client.post(path, json=payload), 422, "validation_failed", pg)
    assert field in body["details"]["fields"], body


@pytest.mark.parametrize("payload, field", [
    ({**RUN, "name": "n" * 201}, "name"),
    ({**RUN, "strategy": "s" * 201}, "strategy"),
    ({**SWEEP, "name": "n" * 201}, "name"),
])
def test_strings_longer_than_their_column_are_a_422(client: FlaskClient, pg: Container, payload: dict[str, Any],
                                                    field: str) -> None:
    path = "/api/v1/sweeps" if "grid" in payload else "/api/v1/runs"
    body = assert_refused(client.post(path, json=payload), 422, "validation_failed", pg)
    assert field in body["details"]["fields"]


def test_a_long_path_id_is_a_404_not_a_500(client: FlaskClient, pg: Container) -> None:
    assert_refused(client.get("/api/v1/runs/" + "x" * 5000), 404, "not_found", pg)


def test_a_wrong_method_names_the_allowed_ones(client: FlaskClient, pg: Container) -> None:
    response = client.put("/api/v1/runs")
    assert_refused(response, 405, "method_not_allowed", pg)
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET", "POST"}


def test_an_event_position_beyond_bigint_is_a_422(client: FlaskClient, pg: Container) -> None:
    run_id = client.post("/api/v1/runs", json=RUN).get_json()["id"]
    body = client.get(f"/api/v1/runs/{run_id}/events", query_string={"after": 2**63}).get_json()
    assert body["code"] == "validation_failed" and "after" in body["details"]["fields"]
    response = client.get("/api/v1/stream", query_string={"after": 2**63})
    assert response.status_code == 422 and "after" in response.get_json()["details"]["fields"]


@pytest.mark.parametrize("last_event_id", [str(2**63), "²"])
def test_a_stream_resumed_from_a_bad_last_event_id_starts_from_now(client: FlaskClient, pg: Container,
                                                                   last_event_id: str) -> None:
    client.application.config["WEAVER_HEARTBEAT_SECONDS"] = 0.05
    response = client.get("/api/v1/stream", headers={"Last-Event-ID": last_event_id}, buffered=False)
    try:
        assert response.status_code == 200
        assert next(response.response) == b"retry: 2000\n\n"
        assert next(response.response).startswith(b"event: heartbeat\n")  # not a broken stream
    finally:
        response.close()


@pytest.mark.parametrize("path, allowed", [("/api/v1/bars/import", {"POST", "OPTIONS"}),
                                           ("/api/v1/runs/some-id/start", {"POST", "OPTIONS"})])
def test_a_get_of_a_post_only_route_is_a_405_naming_the_allowed_methods(client: FlaskClient, pg: Container,
                                                                      path: str, allowed: set[str]) -> None:
    """The UI's catch-all serves every other GET: it must not turn these into a 404."""
    response = client.get(path)
    assert_refused(response, 405, "method_not_allowed", pg)
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
