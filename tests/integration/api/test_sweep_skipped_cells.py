"""A sweep's grid cells with invalid parameters: listed with the reason, and not counted in its total; among
them, cells that would sell short where the sweep may not (and a single run asking so is refused)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.glados.app import create_app
from app.walle.models import Run
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
        {"params": {"fast": 20, "slow": 20}, "reason": "fast: must be less than slow"},
        {"params": {"fast": 30, "slow": 20}, "reason": "fast: must be less than slow"},
    ]
    listed = client.get("/api/v1/sweeps").get_json()["items"]
    assert [len(s["skipped"]) for s in listed if s["id"] == sweep["id"]] == [2]


SHORT_REFUSED = ("allow_short=true asks the strategy to sell short, but short selling is off for the run, so every "
                 "short sale would be refused: turn Short selling on for the run (allow_short in the API, "
                 "--allow-short on the command line) or set the parameter to false")


def test_cells_that_would_sell_short_where_the_sweep_may_not_are_skipped_saying_why(
        pg: Container, client: FlaskClient) -> None:
    # Trial 17: a grid over the strategy's allow_short with the sweep's shorting off gave pairs of identical
    # cells, each "true" one under a column of refused short sales, and nothing said why.
    body = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
            "grid": {"fast": [5, 10], "allow_short": [False, True]}}
    created = client.post("/api/v1/sweeps", json=body)
    assert created.status_code == 201, created.get_json()
    sweep = created.get_json()
    assert sweep["total"] == 2
    assert sweep["skipped"] == [{"params": {"fast": 5, "allow_short": True}, "reason": SHORT_REFUSED},
                                {"params": {"fast": 10, "allow_short": True}, "reason": SHORT_REFUSED}]
    build_services(pg.settings, container=pg).sweeps.create_cells(sweep["id"])
    with pg.read_session() as session:  # the cells made are the two the sweep promised
        made = session.scalars(select(Run.params).where(Run.sweep_id == sweep["id"])).all()
    assert sorted((p["fast"], p["allow_short"]) for p in made) == [(5, False), (10, False)]

    allowed = client.post("/api/v1/sweeps", json={**body, "allow_short": True})  # the sweep may: every cell runs
    assert allowed.status_code == 201 and allowed.get_json()["total"] == 4 and allowed.get_json()["skipped"] == []

    only = client.post("/api/v1/sweeps", json={**body, "grid": {"fast": [5]}, "params": {"allow_short": True}})
    assert only.status_code == 422, only.get_json()
    assert only.get_json()["details"]["fields"] == {
        "grid": f"no cell of the grid has valid parameters: {SHORT_REFUSED}"}


def test_a_run_whose_strategy_would_sell_short_where_the_run_may_not_is_refused(client: FlaskClient) -> None:
    body = {"mode": "backtest", "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
            "params": {"allow_short": True}}
    refused = client.post("/api/v1/runs", json=body)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"] == {"params.allow_short": SHORT_REFUSED}
    assert client.get("/api/v1/runs").get_json()["items"] == []  # nothing was made
    allowed = client.post("/api/v1/runs", json={**body, "allow_short": True})
    assert allowed.status_code == 201, allowed.get_json()
