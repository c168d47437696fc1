"""An app on the run's Postgres database whose CommandBus records what it was asked to enqueue.

These tests are about the HTTP contract; the tests that need real workers use the Redis broker
(tests/integration/workers)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN


@dataclass
class RecordingBus:
    sent: list[tuple[Any, ...]] = field(default_factory=list)

    def run_backtest(self, run_id: str) -> None:
        self.sent.append(("backtest", run_id))

    def live(self, command: str, run_id: str | None = None, **kwargs: object) -> None:
        self.sent.append((command, run_id, kwargs))


@pytest.fixture
def bus() -> RecordingBus:
    return RecordingBus()


@pytest.fixture
def app(pg: Container, bus: RecordingBus) -> Iterator[Flask]:
    flask_app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg, "COMMANDS": bus})
    yield flask_app
    flask_app.extensions["weaver"].broadcaster.stop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    return flask_client


def store_daily_bars(container: Container, symbol: str, days: int = 300, start: datetime | None = None) -> None:
    """Deterministic daily bars (a gentle sine around 100) for API tests."""
    start = start or datetime(2023, 1, 2, tzinfo=UTC)
    ts = np.array([int((start + timedelta(days=i)).timestamp()) * 10**9 for i in range(days)], dtype=np.int64)
    close = [Decimal("100") + Decimal(round(10 * np.sin(i / 9), 2)).quantize(Decimal("0.01")) for i in range(days)]
    with container.uow() as uow:
        uow.bars.insert_columns(symbol, "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * days, source="test")
        uow.commit()
