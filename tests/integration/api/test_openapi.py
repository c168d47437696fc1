"""The OpenAPI document is valid and truthful: a property-based fuzz run over it finds no 5xx."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error

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


def test_no_request_the_document_allows_causes_a_server_error(client: FlaskClient, app: Flask,
                                                             pg: Container) -> None:
    """Schemathesis generates requests from the document (valid and edge-case bodies, queries and
    path values) for every operation; none may answer 5xx."""
    store_daily_bars(pg, "AAPL", days=60)
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json()).exclude(
        path_regex=r"/(stream|ws)$"  # endless streams; covered by tests/integration/api/test_stream.py
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def call(case: Any) -> None:
            case.call_and_validate(app=app, headers=AUTH, checks=[not_a_server_error])

        call()
