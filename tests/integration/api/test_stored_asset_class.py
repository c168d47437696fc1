"""A run, sweep or walk-forward that names no asset class takes the one its symbols' stored instruments
share, and keeps it in its settings: a year of bars that does not move with the window. One it names wins;
symbols without one, or of different classes, leave it unset (the data's own year)."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container
from tests.integration.api.conftest import store_daily_bars

BASE = {"strategy": "sma_cross", "timeframe": "1Day", "cash": "10000"}


def stored(pg: Container, **classes: str) -> None:
    for symbol, asset_class in classes.items():
        store_daily_bars(pg, symbol, days=400)
        if asset_class:
            with pg.uow() as uow:
                uow.instruments.upsert(symbol, asset_class, None, None, source="user")
                uow.commit()


def run_class(client: FlaskClient, **body: object) -> str | None:
    created = client.post("/api/v1/runs", json={**BASE, **body})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["options"]["asset_class"]


def test_runs_take_the_class_their_symbols_share(client: FlaskClient, pg: Container) -> None:
    stored(pg, AAPL="us_equity", MSFT="us_equity", ETHX="crypto", ZZZ="")
    assert run_class(client, symbols=["AAPL"]) == "us_equity"
    assert run_class(client, symbols=["AAPL", "MSFT"]) == "us_equity"
    assert run_class(client, symbols=["AAPL"], asset_class="other") == "other"  # asked for: it wins
    assert run_class(client, symbols=["AAPL", "ETHX"]) is None  # two classes: none is theirs
    assert run_class(client, symbols=["AAPL", "ZZZ"]) is None  # one without an instrument
    assert run_class(client, symbols=["ZZZ"]) is None


def test_sweeps_and_walk_forwards_keep_it_in_their_settings(client: FlaskClient, pg: Container) -> None:
    stored(pg, AAPL="us_equity")
    sweep = client.post("/api/v1/sweeps", json={**BASE, "symbols": ["AAPL"], "grid": {"fast": [5], "slow": [20]}})
    assert sweep.status_code == 201, sweep.get_json()
    assert sweep.get_json()["settings"]["asset_class"] == "us_equity"
    wf = client.post("/api/v1/walkforwards", json={
        **BASE, "symbols": ["AAPL"], "grid": {"fast": [5], "slow": [20]}, "objective": "total_return_pct",
        "folds": {"kind": "rolling", "train": 200, "test": 100}})
    assert wf.status_code == 201, wf.get_json()
    assert wf.get_json()["settings"]["asset_class"] == "us_equity"
    sweeps = [client.get(f"/api/v1/sweeps/{fold['sweep_id']}").get_json() for fold in wf.get_json()["folds"]]
    assert {s["settings"]["asset_class"] for s in sweeps} == {"us_equity"}  # so every cell and OOS run has it
