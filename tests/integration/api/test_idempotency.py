"""Idempotency-Key on POST /runs, /sweeps and /walkforwards: a retry gets the first answer and creates nothing,
a key reused for another body is a 422, twins sent at once make one resource. Postgres and SQLite."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from app.bootstrap import Container
from app.glados.app import create_app
from app.walle.models import IdempotencyKey, Run, Sweep, Walkforward
from tests.conftest import TEST_TOKEN
from tests.integration.api.conftest import store_daily_bars

RUN = {"mode": "backtest", "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
       "params": {"fast": 5, "slow": 20}}
SWEEP = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
         "grid": {"fast": [3, 5], "slow": [20, 30]}}
WALKFORWARD = {**SWEEP, "objective": "total_return_pct", "folds": {"kind": "rolling", "train": 30, "test": 10}}


@pytest.fixture
def app(any_db: Container) -> Iterator[Flask]:
    store_daily_bars(any_db, "AAPL", days=60)
    flask_app = create_app({"SETTINGS": any_db.settings, "CONTAINER": any_db})
    yield flask_app
    flask_app.extensions["weaver"].broadcaster.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    return flask_client


def count(container: Container, model: Any) -> int:
    with container.read_session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def test_the_same_key_and_body_twice_answers_the_first_run_again(client: FlaskClient, any_db: Container) -> None:
    key = str(uuid.uuid4())
    first = client.post("/api/v1/runs", json=RUN, headers=keyed(key))
    assert first.status_code == 201, first.get_json()
    client.post(f"/api/v1/runs/{first.get_json()['id']}/start")  # the run moves on; the replay does not
    again = client.post("/api/v1/runs", json={**RUN, "params": {"slow": 20, "fast": 5}}, headers=keyed(key))
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert count(any_db, Run) == 1
    assert client.post("/api/v1/runs", json=RUN).status_code == 201  # no key: a new run every time
    assert count(any_db, Run) == 2


def test_the_same_key_with_another_body_or_endpoint_is_a_422(client: FlaskClient, any_db: Container) -> None:
    key = str(uuid.uuid4())
    assert client.post("/api/v1/runs", json=RUN, headers=keyed(key)).status_code == 201
    other = client.post("/api/v1/runs", json={**RUN, "cash": "20000"}, headers=keyed(key))
    assert other.status_code == 422
    error = other.get_json()
    assert error["code"] == "idempotency_key_reused"
    assert "different request" in error["message"] and error["details"]["fields"]["Idempotency-Key"]
    assert client.post("/api/v1/sweeps", json=SWEEP, headers=keyed(key)).status_code == 422
    assert count(any_db, Run) == 1 and count(any_db, Sweep) == 0


def test_twins_sent_at_once_make_one_run(app: Flask, any_db: Container) -> None:
    key, twins = str(uuid.uuid4()), 4
    barrier = threading.Barrier(twins)
    answers: list[tuple[int, dict[str, Any]]] = []

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/runs", json=RUN,
                               headers={**keyed(key), "Authorization": f"Bearer {TEST_TOKEN}"})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(twins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in answers] == [201] * twins, answers
    assert len({body["id"] for _, body in answers}) == 1
    assert count(any_db, Run) == 1


def test_a_failed_request_does_not_spend_its_key(client: FlaskClient, any_db: Container) -> None:
    key = str(uuid.uuid4())
    missing = client.post("/api/v1/runs", json={**RUN, "symbols": ["MSFT"]}, headers=keyed(key))
    assert missing.status_code == 422 and "no 1Day bars stored for MSFT" in missing.get_json()["message"]
    store_daily_bars(any_db, "MSFT", days=60)
    created = client.post("/api/v1/runs", json={**RUN, "symbols": ["MSFT"]}, headers=keyed(key))
    assert created.status_code == 201 and "Idempotent-Replayed" not in created.headers
    assert count(any_db, Run) == 1


def test_a_key_expires_after_a_day(client: FlaskClient, any_db: Container) -> None:
    key = str(uuid.uuid4())
    first = client.post("/api/v1/runs", json=RUN, headers=keyed(key)).get_json()
    with any_db.uow() as uow:
        row = uow.session.get(IdempotencyKey, key)
        assert row is not None and timedelta(hours=23) < row.expires_at - row.created_at <= timedelta(hours=24)
        uow.session.execute(update(IdempotencyKey).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        uow.commit()
    later = client.post("/api/v1/runs", json={**RUN, "cash": "5000"}, headers=keyed(key))
    assert later.status_code == 201 and later.get_json()["id"] != first["id"]
    assert count(any_db, Run) == 2 and count(any_db, IdempotencyKey) == 1


def test_a_sweep_retried_with_its_key_is_the_same_sweep(client: FlaskClient, any_db: Container) -> None:
    key = str(uuid.uuid4())
    first = client.post("/api/v1/sweeps", json=SWEEP, headers=keyed(key))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "creating" and first.get_json()["total"] == 4
    again = client.post("/api/v1/sweeps", json=SWEEP, headers=keyed(key))
    assert again.status_code == 201 and again.get_json() == first.get_json()
    other = client.post("/api/v1/sweeps", json={**SWEEP, "grid": {"fast": [3], "slow": [20]}}, headers=keyed(key))
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    assert count(any_db, Sweep) == 1


def test_a_walk_forward_retried_with_its_key_is_the_same_walk_forward(client: FlaskClient,
                                                                      any_db: Container) -> None:
    key = str(uuid.uuid4())
    first = client.post("/api/v1/walkforwards", json=WALKFORWARD, headers=keyed(key))
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["status"] == "optimising" and "Idempotent-Replayed" not in first.headers
    sweeps = count(any_db, Sweep)
    assert sweeps == len(first.get_json()["folds"]) + 1  # each fold's and the contrast's
    again = client.post("/api/v1/walkforwards", json=WALKFORWARD, headers=keyed(key))
    assert again.status_code == 201 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/walkforwards", json={**WALKFORWARD, "objective": "trades"}, headers=keyed(key))
    assert other.status_code == 422 and other.get_json()["code"] == "idempotency_key_reused"
    assert "different request" in other.get_json()["message"]
    assert client.post("/api/v1/sweeps", json=SWEEP, headers=keyed(key)).status_code == 422  # another endpoint
    assert count(any_db, Walkforward) == 1 and count(any_db, Sweep) == sweeps
    assert client.post("/api/v1/walkforwards", json=WALKFORWARD).status_code == 201  # no key: a new one
    assert count(any_db, Walkforward) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve-key", "two words"])
def test_a_malformed_key_is_a_400_and_creates_nothing(client: FlaskClient, any_db: Container, key: str) -> None:
    response = client.post("/api/v1/runs", json=RUN, headers=keyed(key))
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_idempotency_key"
    assert count(any_db, Run) == 0


def test_the_header_is_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/runs", "/api/v1/sweeps", "/api/v1/walkforwards"):
        header = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in header] == ["Idempotency-Key"] and not header[0]["required"]
        assert "422" in paths[path]["post"]["responses"]
    assert not [p for p in paths["/api/v1/runs/{run_id}/start"]["post"]["parameters"] if p["in"] == "header"]
