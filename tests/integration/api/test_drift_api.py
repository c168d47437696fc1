"""GET /api/v1/runs/{run_id}/drift: documented, and refusing what it cannot compare with the standard
error body (the reports themselves are tested on real paper runs in tests/integration/live)."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container
from tests.integration.foundation.factories import make_run

ERROR_KEYS = {"code", "message", "details", "correlation_id"}


def _run(pg: Container, **values: object) -> str:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(**values))
        uow.commit()
        return run.id


def test_an_unknown_run_is_404_with_the_error_body(client: FlaskClient) -> None:
    response = client.get("/api/v1/runs/no-such-run/drift")
    assert response.status_code == 404
    assert set(response.get_json()) == ERROR_KEYS and response.get_json()["code"] == "not_found"


def test_a_backtest_run_is_422(pg: Container, client: FlaskClient) -> None:
    response = client.get(f"/api/v1/runs/{_run(pg)}/drift")
    body = response.get_json()
    assert response.status_code == 422 and set(body) == ERROR_KEYS
    assert body["code"] == "validation_failed" and "run_id" in body["details"]["fields"]


def test_bad_parameters_are_422_naming_the_parameter(pg: Container, client: FlaskClient) -> None:
    run_id = _run(pg, mode="paper", status="running")
    unknown = client.get(f"/api/v1/runs/{run_id}/drift?param=speed=3").get_json()
    assert unknown["code"] == "validation_failed" and "params.speed" in unknown["details"]["fields"]
    wrong = client.get(f'/api/v1/runs/{run_id}/drift?params={{"fast": 30, "slow": 20}}')
    assert wrong.status_code == 422 and "params.fast" in wrong.get_json()["details"]["fields"]
    assert client.get(f"/api/v1/runs/{run_id}/drift?params=[1]").status_code == 422
    both = client.get(f"/api/v1/runs/{run_id}/drift?against=x&param=fast=3").get_json()
    assert "against" in both["details"]["fields"]


def test_a_run_that_never_traded_or_a_wrong_against_run_is_422(pg: Container, client: FlaskClient) -> None:
    run_id = _run(pg, mode="paper", status="running")
    assert client.get(f"/api/v1/runs/{run_id}/drift").status_code == 422  # no bar yet
    other = _run(pg, mode="paper")
    assert client.get(f"/api/v1/runs/{run_id}/drift?against={other}").status_code == 422
    assert client.get(f"/api/v1/runs/{run_id}/drift?against=missing").status_code == 404


def test_the_drift_route_is_in_the_openapi_document(client: FlaskClient) -> None:
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/runs/{run_id}/drift"]["get"]
    assert {"200", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"run_id", "params", "param", "against"}
