"""The OpenAPI document is valid and truthful: a property-based fuzz run over it finds no 5xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.bootstrap import Container
from tests.conftest import TEST_TOKEN
from tests.integration.api.conftest import store_daily_bars

AUTH = {"Authorization": f"Bearer {TEST_TOKEN}"}


def test_the_openapi_document_validates_and_covers_every_route(client: FlaskClient, app: Flask) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not in the OpenAPI document"
    create = doc["paths"]["/api/v1/runs"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RunCreate"}
    assert {"201", "401", "422", "400", "413"} <= set(create["responses"])
    upload = doc["paths"]["/api/v1/bars/import"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["file"] == {"type": "string", "format": "binary",
                                            "description": "the CSV (Yahoo-style or timestamp,open,…)"}
    assert set(upload["required"]) == {"file", "symbol"}
    export = doc["paths"]["/api/v1/runs/{run_id}/export/{kind}"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"text/csv", "application/json"}


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
RUN = {"strategy": "sma_cross", "symbols": ["AAPL"], "params": {"fast": 5, "slow": 20}, "cash": "10000"}


def _schema(client: FlaskClient) -> Any:
    return schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json()).exclude(
        path_regex=r"/(stream|ws)$"  # endless streams; covered by tests/integration/api/test_stream.py
    )


def test_every_answer_to_generated_requests_is_the_one_the_document_describes(client: FlaskClient, app: Flask,
                                                                             pg: Container) -> None:
    """Schemathesis generates requests from the document for every operation, both ones it allows and
    ones it does not (wrong types, missing fields, out-of-range values, in bodies, queries and paths).
    None may answer 5xx, and every answer's status, content type, headers and body must be the ones
    the document declares for that operation: the UI's types are generated from it."""
    store_daily_bars(pg, "AAPL", days=60)
    operations = [result.ok() for result in _schema(client).get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        # /health answers its documented 503 here (no workers run): conformance still checks that answer
        checks = CHECKS[1:] if operation.path == "/api/v1/health" else CHECKS
        for mode in GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                      database=None)
            def call(case: Any, checks: list[Any] = checks) -> None:
                case.call_and_validate(app=app, headers=AUTH, checks=checks)

            call()


def test_created_runs_and_sweeps_and_their_records_conform_to_the_document(client: FlaskClient, app: Flask,
                                                                          pg: Container) -> None:
    """Generated bodies rarely name a real strategy; these valid ones reach the success answers."""
    store_daily_bars(pg, "AAPL", days=60)
    schema = _schema(client)
    created = schema["/api/v1/runs"]["POST"].Case(body=RUN).call_and_validate(app=app, headers=AUTH, checks=CHECKS)
    run_id = created.json()["id"]
    sweep = {**RUN, "grid": {"fast": [5, 10]}, "params": {"slow": 20}}
    sweep_id = schema["/api/v1/sweeps"]["POST"].Case(body=sweep).call_and_validate(
        app=app, headers=AUTH, checks=CHECKS).json()["id"]
    for path, parameters in (("/api/v1/runs/{run_id}", {"run_id": run_id}),
                             ("/api/v1/runs/{run_id}/equity", {"run_id": run_id}),
                             ("/api/v1/sweeps/{sweep_id}", {"sweep_id": sweep_id}),
                             ("/api/v1/sweeps/{sweep_id}/results", {"sweep_id": sweep_id})):
        schema[path]["GET"].Case(path_parameters=parameters).call_and_validate(app=app, headers=AUTH, checks=CHECKS)
