"""A grid parameter as one range string `START:STOP[:STEP]`, read as `weaver sweep --grid` reads it (the stop
included when a step lands on it), for POST /sweeps and POST /walkforwards: the same cells as the list it
stands for; a bad range is a 422 naming the parameter, with the CLI's reason."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.walle.models import Run
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.test_walkforward import MIN_TRADES, SETTINGS, store_walk

SWEEP = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}
WALK = {"strategy": "sma_cross", "objective": "total_return_pct", "min_trades": MIN_TRADES,
        "folds": {"kind": "rolling", "train": 100, "test": 50, "warmup": 40}, **SETTINGS}


def cell_params(pg: Container, sweep_id: str) -> list[dict]:
    build_services(pg.settings, container=pg).sweeps.create_cells(sweep_id)
    with pg.read_session() as session:
        params = session.scalars(select(Run.params).where(Run.sweep_id == sweep_id)).all()
    return sorted(params, key=lambda p: (p["fast"], p["slow"]))


def test_a_sweeps_range_makes_the_cells_its_list_would(pg: Container, client: FlaskClient) -> None:
    store_daily_bars(pg, "AAPL", days=120)
    ranged = client.post("/api/v1/sweeps", json={**SWEEP, "grid": {"fast": "2:10:4", "slow": "20:21"}})
    listed = client.post("/api/v1/sweeps", json={**SWEEP, "grid": {"fast": [2, 6, 10], "slow": [20, 21]}})
    assert ranged.status_code == listed.status_code == 201, (ranged.get_json(), listed.get_json())
    assert ranged.get_json()["grid"] == listed.get_json()["grid"] == {"fast": [2, 6, 10], "slow": [20, 21]}
    assert ranged.get_json()["total"] == listed.get_json()["total"] == 6
    assert cell_params(pg, ranged.get_json()["id"]) == cell_params(pg, listed.get_json()["id"])
    stop_missed = client.post("/api/v1/sweeps", json={**SWEEP, "grid": {"fast": "2:20:4", "slow": [30]}})
    assert stop_missed.get_json()["grid"]["fast"] == [2, 6, 10, 14, 18]  # as `--grid fast=2:20:4`


def test_a_walk_forwards_range_makes_the_cells_its_list_would(pg: Container, client: FlaskClient) -> None:
    store_walk(pg)
    ranged = client.post("/api/v1/walkforwards", json={**WALK, "grid": {"fast": "5:8:3", "slow": "20:30:10"}})
    listed = client.post("/api/v1/walkforwards", json={**WALK, "grid": {"fast": [5, 8], "slow": [20, 30]}})
    assert ranged.status_code == listed.status_code == 201, (ranged.get_json(), listed.get_json())
    assert ranged.get_json()["grid"] == listed.get_json()["grid"] == {"fast": [5, 8], "slow": [20, 30]}
    # 3 folds and the contrast, 4 cells each, 3 OOS runs, the contrast's run and its 3 test-window runs
    assert ranged.get_json()["cells_total"] == listed.get_json()["cells_total"] == 23
    first = [wf["folds"][0]["sweep_id"] for wf in (ranged.get_json(), listed.get_json())]
    assert cell_params(pg, first[0]) == cell_params(pg, first[1])


@pytest.mark.parametrize(("fast", "why"), [
    ("5:50:0", "'5:50:0': the step must be positive"),
    ("50:5", "'50:5': the range must go up (START:STOP:STEP)"),
    ("5:x", "a range takes START:STOP[:STEP] in numbers, got '5:x'"),
    ("1:2:3:4", "a range takes START:STOP[:STEP] in numbers, got '1:2:3:4'"),
    ("1:1000", "'1:1000': that range has 1,000 values; 500 at most"),
    ("5", "give a list of values or one range START:STOP[:STEP], got '5'"),
])
@pytest.mark.parametrize("path", ["/api/v1/sweeps", "/api/v1/walkforwards"])
def test_a_bad_range_is_a_422_naming_the_parameter(client: FlaskClient, path: str, fast: str, why: str) -> None:
    body = SWEEP if path.endswith("sweeps") else WALK
    refused = client.post(path, json={**body, "grid": {"fast": fast, "slow": [20]}})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["details"]["fields"] == {"grid.fast": why}
    assert refused.get_json()["message"] == f"invalid body: grid.fast: {why}"


def test_ranges_past_the_sweeps_cell_limit_are_a_422(client: FlaskClient) -> None:
    refused = client.post("/api/v1/sweeps", json={**SWEEP, "grid": {"fast": "1:100", "slow": "101:130"}})
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"] == {"grid": "the grid has 3,000 cells; the limit is 2,000"}
