"""A sweep's grid cells with invalid parameters: listed with the reason, and not counted in its total."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN
from tests.integration.api.conftest import store_daily_bars


@pytest.fixture
def client(pg: Container) -> Iterator[FlaskClient]:
    store_daily_bars(pg, "AAPL", days=60)
    app: Flask = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    flask_client = app.test_client()
    flask_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield flask_client
    app.extensions["weaver"].broadcaster.stop()


def test_a_sweep_lists_its_skipped_cells_with_the_reason(client: FlaskClient) -> None:
    created = client.post("/api/v1/sweeps", json={
        "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
        "grid": {"fast": [5, 20, 30], "slow": [20, 40]},
    })
    assert created.status_code == 201, created.get_json()
    sweep = client.get(f"/api/v1/sweeps/{created.get_json()['id']}").get_json()
    # fast 20/slow 20, fast 30/slow 20: fast must be below slow. 6 cells promised, 4 made, 2 skipped.
    assert sweep["total"] == 4
    assert sweep["skipped"] == [
        {"params": {"fast": 20, "slow": 20}, "reason": "must be less than slow"},
        {"params": {"fast": 30, "slow": 20}, "reason": "must be less than slow"},
    ]
    listed = client.get("/api/v1/sweeps").get_json()["items"]
    assert [len(s["skipped"]) for s in listed if s["id"] == sweep["id"]] == [2]
