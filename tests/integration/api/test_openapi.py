"""The OpenAPI document is valid and truthful: whatever schemathesis sends, the answer is one the document
declares (status, content type, headers, body), and never a 5xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.drivers import CoverageGenerator  # the coverage phase, without the CLI
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
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


def test_every_operation_declares_the_errors_any_request_can_get(client: FlaskClient) -> None:
    """A NUL character (400), a missing token (401) or a bug (500) can meet any request, and every 4xx/5xx
    body is the ErrorBody: the UI's generated types must know all of them."""
    doc = client.get("/api/v1/openapi.json").get_json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "401", "500"} <= set(responses), (method, path)
            assert path.endswith(("/stream", "/ws")) or "504" in responses, (method, path)
            for status, response in responses.items():
                if int(status) >= 400 and not (path.endswith("/health") and status == "503"):
                    assert response["content"] == error, (method, path, status)


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, unsupported_method]
RUN = {"strategy": "sma_cross", "symbols": ["AAPL"], "params": {"fast": 5, "slow": 20}, "cash": "10000"}


def _operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=AUTH).exclude(
        path_regex=r"/(stream|ws)$"  # endless streams; covered by tests/integration/api/test_stream.py
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    return operations


def _checks(operation: Any) -> list[Any]:
    """/health answers its documented 503 here (no workers run); conformance still checks that answer."""
    return CHECKS[1:] if operation.path == "/api/v1/health" else CHECKS


def test_every_boundary_case_gets_the_answer_the_document_describes(app: Flask, pg: Container) -> None:
    """Schemathesis's coverage phase: for every operation, the boundary and just-outside values of every
    parameter and body field (year 1 and 9999 times, huge numbers, wrong types, missing fields, NUL
    characters), undeclared methods and malformed content types. No answer may be a 5xx, and each
    answer's status, content type, headers and body must be what the document declares: the UI's
    types are generated from it. Deterministic, about a thousand requests."""
    store_daily_bars(pg, "AAPL", days=60)
    for operation in _operations(app):
        generation = operation.schema.config.generation_for(operation=operation, phase="coverage")
        cases = CoverageGenerator(operation=operation, generation_modes=list(GenerationMode),
                                  generation_config=generation, auth_storage=None, override=Override(),
                                  feedback=NO_FEEDBACK)
        for case in cases:
            case.call_and_validate(headers=AUTH, checks=_checks(operation))


def test_every_answer_to_random_requests_is_the_one_the_document_describes(app: Flask, pg: Container) -> None:
    """Schemathesis's fuzzing phase: random requests the document allows and ones it does not."""
    store_daily_bars(pg, "AAPL", days=60)
    for operation in _operations(app):
        for mode in GenerationMode:
            _fuzz(operation, mode)()


def _fuzz(operation: Any, mode: GenerationMode) -> Any:
    checks = _checks(operation)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def call(case: Any) -> None:
        case.call_and_validate(headers=AUTH, checks=checks)

    return call


def test_created_runs_and_sweeps_and_their_records_conform_to_the_document(app: Flask, pg: Container) -> None:
    """Generated bodies rarely name a real strategy; these valid ones reach the success answers."""
    store_daily_bars(pg, "AAPL", days=60)
    schema = _operations(app)[0].schema
    run_id = schema["/api/v1/runs"]["POST"].Case(body=RUN).call_and_validate(headers=AUTH, checks=CHECKS).json()["id"]
    sweep = {**RUN, "grid": {"fast": [5, 10]}, "params": {"slow": 20}}
    sweep_id = schema["/api/v1/sweeps"]["POST"].Case(body=sweep).call_and_validate(
        headers=AUTH, checks=CHECKS).json()["id"]
    for path, parameters in (("/api/v1/runs/{run_id}", {"run_id": run_id}),
                             ("/api/v1/runs/{run_id}/equity", {"run_id": run_id}),
                             ("/api/v1/runs/{run_id}/events", {"run_id": run_id}),
                             ("/api/v1/sweeps/{sweep_id}", {"sweep_id": sweep_id}),
                             ("/api/v1/sweeps/{sweep_id}/results", {"sweep_id": sweep_id})):
        schema[path]["GET"].Case(path_parameters=parameters).call_and_validate(headers=AUTH, checks=CHECKS)
