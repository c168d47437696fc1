"""An app on the run's Postgres database. Its commands stay in the outbox (no relay runs here), where
`issued()` reads them back.

These tests are about the HTTP contract; the tests that need real workers use the Redis broker
(tests/integration/workers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.events.commands import Command, decode
from app.events.reader import read_events
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN


def walk(client: FlaskClient, query: str, per_page: int) -> list[str]:
    """Every run id the cursor pages of `GET /runs?{query}` give, in order."""
    seen: list[str] = []
    body: dict[str, Any] = client.get(f"/api/v1/runs?{query}&per_page={per_page}").get_json()
    while True:
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            return seen
        body = client.get(f"/api/v1/runs?{query}&per_page={per_page}&cursor={body['next_cursor']}").get_json()


def issued(container: Container) -> list[Command]:
    """Every command written to the outbox so far, in order."""
    with container.read_session() as session:
        return [decode(e.type, e.payload) for e in read_events(session, 0, commands=True, limit=100_000)]


@pytest.fixture
def app(pg: Container) -> Iterator[Flask]:
    flask_app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    yield flask_app
    flask_app.extensions["weaver"].broadcaster.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    return flask_client


@pytest.fixture
def api(any_db: Container) -> Iterator[FlaskClient]:
    """The API, signed in, on Postgres (the deployment: JSON written by Postgres, the partial indexes) and on
    SQLite: for the tests that must hold on both."""
    flask_app = create_app({"SETTINGS": any_db.settings, "CONTAINER": any_db})
    client = flask_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield client
    flask_app.extensions["weaver"].broadcaster.stop()


def store_daily_bars(container: Container, symbol: str, days: int = 300, start: datetime | None = None) -> None:
    """Deterministic daily bars (a gentle sine around 100) for API tests."""
    start = start or datetime(2023, 1, 2, tzinfo=UTC)
    ts = np.array([int((start + timedelta(days=i)).timestamp()) * 10**9 for i in range(days)], dtype=np.int64)
    close = [Decimal("100") + Decimal(round(10 * np.sin(i / 9), 2)).quantize(Decimal("0.01")) for i in range(days)]
    with container.uow() as uow:
        uow.bars.insert_columns(symbol, "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * days, source="test")
        uow.commit()
