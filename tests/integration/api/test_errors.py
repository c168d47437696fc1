"""Every error a user can cause: the seed's error body, the right 4xx, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.bootstrap import Container
from app.walle.models import OutboxEvent, Run
from tests.integration.api.conftest import issued, store_daily_bars

GOOD: dict[str, Any] = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                        "params": {"fast": 5, "slow": 20}, "cash": "10000"}


def nothing_written(pg: Container) -> bool:
    with pg.read_session() as session:
        return session.scalar(select(func.count()).select_from(Run)) == 0 and \
            session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "message", "details", "correlation_id"}
    assert body["code"] == code and body["message"]
    assert body["correlation_id"] == response.headers["X-Correlation-ID"]
    return body


@pytest.mark.parametrize("payload, field, text", [
    ({**GOOD, "cash": "-5"}, "cash", "greater than 0"),
    ({**GOOD, "cash": "lots"}, "cash", "decimal"),
    ({**GOOD, "cash": "1e12"}, "cash", "must be at most $90,071,992,547: Weaver keeps money exact to $0.0001 up to "
                                       "$900,719,925,474, and a run needs room to grow"),
    ({**GOOD, "mode": "paper", "cash": "90071992547.01"}, "cash", "must be at most $90,071,992,547"),
    ({**GOOD, "symbols": "AAPL"}, "symbols", "list"),
    ({**GOOD, "symbols": ["not a ticker"]}, "symbols", "not a ticker"),
    ({**GOOD, "symbols": ["BTC/"]}, "symbols", "not a ticker symbol: BTC/"),
    ({**GOOD, "symbols": ["ETH/USD/X"]}, "symbols", "not a ticker symbol: ETH/USD/X"),
    ({**GOOD, "start": "2024-05-01T00:00:00Z", "end": "2024-01-01T00:00:00Z"}, "end",
     "end must be after start (2024-05-01 00:00 UTC)"),
    ({**GOOD, "strategy": "no_such_strategy"}, "strategy", "unknown strategy"),
    ({**GOOD, "strategy": "nowhere.module:Thing"}, "strategy", "unknown strategy"),
    ({**GOOD, "params": {"fast": "ten"}}, "params.fast", "integer"),
    ({**GOOD, "params": {"fast": 1}}, "params.fast", ">= 2"),
    ({**GOOD, "params": {"fast": 30, "slow": 20}}, "params.fast", "less than slow"),
    ({**GOOD, "params": {"wobble": 3}}, "params.wobble", "unknown"),
    ({**GOOD, "symbols": ["ZZZZ"]}, "symbols", "no 1Day bars stored for ZZZZ"),
    ({**GOOD, "mode": "live"}, "mode", "no live Alpaca account"),
    ({**GOOD, "mode": "paper", "start": "2020-01-01T00:00:00Z"}, "start",
     "a paper run trades from when it starts until it is stopped: start is for backtests"),
    ({**GOOD, "surprise": 1}, "surprise", "Extra inputs"),
    ({**GOOD, "fees": {"model": "percent"}}, "fees", "rate is required"),
    ({**GOOD, "symbols": ["AAPL", "MSFT", "SPY"]}, "symbols",
     "sma_cross trades one symbol, the first it is given, so MSFT, SPY would be ignored"),
])
def test_bad_run_requests_are_refused_at_the_field_and_write_nothing(
    client: FlaskClient, pg: Container, payload: dict[str, Any], field: str, text: str
) -> None:
    store_daily_bars(pg, "AAPL")
    events_before = _events(pg)
    response = client.post("/api/v1/runs", json=payload)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["details"]["fields"]
    matching = [name for name in fields if name == field or name.startswith(field + ".") or not field]
    assert matching, fields
    assert any(text.lower() in fields[name].lower() for name in matching), fields
    assert_error(response, 422, response.get_json()["code"])
    with pg.read_session() as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 0
    assert _events(pg) == events_before
    assert issued(pg) == []


def _events(pg: Container) -> int:
    with pg.read_session() as session:
        return session.scalar(select(func.count()).select_from(OutboxEvent)) or 0


def test_malformed_json_is_a_400(client: FlaskClient, pg: Container) -> None:
    response = client.post("/api/v1/runs", data='{"strategy": ', content_type="application/json")
    assert_error(response, 400, "malformed_json")
    assert nothing_written(pg)


def test_a_json_array_body_is_a_400(client: FlaskClient, pg: Container) -> None:
    assert_error(client.post("/api/v1/runs", json=[1, 2]), 400, "malformed_json")


def test_a_non_json_body_is_a_415(client: FlaskClient, pg: Container) -> None:
    assert_error(client.post("/api/v1/runs", data="strategy=x", content_type="text/plain"), 415,
                 "unsupported_media_type")
    assert nothing_written(pg)


def test_a_ten_megabyte_body_is_a_413(client: FlaskClient, pg: Container) -> None:
    body = b'{"strategy": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/runs", data=body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")
    assert nothing_written(pg)


def test_unknown_run_is_a_404_with_the_error_body(client: FlaskClient) -> None:
    body = assert_error(client.get("/api/v1/runs/00000000-0000-0000-0000-000000000000"), 404, "not_found")
    assert "no run" in body["message"]


def test_bad_query_parameters_are_a_422(client: FlaskClient) -> None:
    body = assert_error(client.get("/api/v1/runs?per_page=0&mode=sideways"), 422, "validation_failed")
    assert set(body["details"]["fields"]) == {"per_page", "mode"}


def test_unknown_route_and_wrong_method_use_the_error_body(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.put("/api/v1/runs"), 405, "method_not_allowed")


def test_correlation_id_from_the_client_is_echoed(client: FlaskClient) -> None:
    response = client.get("/api/v1/runs/nope", headers={"X-Correlation-ID": "trace-abc.123"})
    assert response.headers["X-Correlation-ID"] == "trace-abc.123"
    assert response.get_json()["correlation_id"] == "trace-abc.123"


def test_a_sweep_or_walk_forward_of_a_one_symbol_strategy_on_several_symbols_is_refused_at_symbols(
    client: FlaskClient, pg: Container
) -> None:
    for symbol in ("AAPL", "MSFT"):
        store_daily_bars(pg, symbol)
    several = {**GOOD, "symbols": ["AAPL", "MSFT"], "params": {"slow": 20}, "grid": {"fast": [5, 10]}}
    walk = {**several, "folds": {"kind": "rolling", "train": 100, "test": 50}, "objective": "total_return_pct"}
    for path, body in (("/api/v1/sweeps", several), ("/api/v1/walkforwards", walk)):
        refused = assert_error(client.post(path, json=body), 422, "validation_failed")
        assert refused["details"]["fields"]["symbols"].startswith(
            "sma_cross trades one symbol, the first it is given, so MSFT would be ignored: give one symbol"), path
    assert nothing_written(pg)
    rotation = {**several, "strategy": "buy_and_hold", "params": {}, "grid": {"percent": [50.0, 100.0]}}
    assert client.post("/api/v1/sweeps", json=rotation).status_code == 201  # it trades every symbol it is given
    catalog = {s["name"]: s["multi_symbol"] for s in client.get("/api/v1/strategies").get_json()}
    assert catalog["momentum_rotation"] and catalog["buy_and_hold"] and not catalog["sma_cross"]
