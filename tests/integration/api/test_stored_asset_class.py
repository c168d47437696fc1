"""A run, sweep or walk-forward asked for through the API without an asset class takes the one its symbols'
stored instruments share, as the UI's forms pre-fill it and the command line takes it: trial 19 read Sharpe
0.54 from the API's run of AAPL minute bars (annualised by the data's own year) and 0.51 from
`weaver backtest` (the session's). An asset class given wins; symbols with no stored class, or different
ones, leave it unset (the data's own year)."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.services.bars import store_instrument
from tests.integration.api.conftest import store_daily_bars

RUN = {"strategy": "sma_cross", "timeframe": "1Day", "params": {"fast": 5, "slow": 20}}


def _stored(pg: Container, classes: dict[str, str | None]) -> None:
    for symbol, asset_class in classes.items():
        store_daily_bars(pg, symbol)
        if asset_class is not None:
            with pg.uow() as uow:
                store_instrument(uow, symbol, asset_class, source="user")
                uow.commit()


def test_a_run_without_an_asset_class_takes_its_symbols_stored_one(pg: Container, client: FlaskClient) -> None:
    _stored(pg, {"STQA": "us_equity", "STQB": None})
    taken = client.post("/api/v1/runs", json={**RUN, "symbols": ["STQA"]})
    assert taken.status_code == 201, taken.get_json()
    assert taken.get_json()["options"]["asset_class"] == "us_equity"
    given = client.post("/api/v1/runs", json={**RUN, "symbols": ["STQA"], "asset_class": "other"}).get_json()
    assert given["options"]["asset_class"] == "other"
    unknown = client.post("/api/v1/runs", json={**RUN, "symbols": ["STQB"]}).get_json()
    assert unknown["options"]["asset_class"] is None


def test_sweeps_and_walkforwards_take_it_too_and_differing_classes_leave_it_unset(pg: Container,
                                                                                 client: FlaskClient) -> None:
    _stored(pg, {"STQC": "crypto", "STQD": "us_equity"})
    swept = {**RUN, "params": {"slow": 20}, "grid": {"fast": [5, 10]}}
    sweep = client.post("/api/v1/sweeps", json={**swept, "symbols": ["STQC"]})
    assert sweep.status_code in (201, 202), sweep.get_json()
    assert sweep.get_json()["settings"]["asset_class"] == "crypto"
    folds = {"kind": "rolling", "train": 100, "test": 50}
    wf = client.post("/api/v1/walkforwards", json={**swept, "symbols": ["STQD"], "folds": folds, "contrast": False})
    assert wf.status_code in (201, 202), wf.get_json()
    assert wf.get_json()["settings"]["asset_class"] == "us_equity"
    mixed = client.post("/api/v1/sweeps", json={**RUN, "strategy": "momentum_rotation", "params": {},
                                                "symbols": ["STQC", "STQD"], "grid": {"lookback": [5, 10]}})
    assert mixed.status_code in (201, 202), mixed.get_json()
    assert mixed.get_json()["settings"]["asset_class"] is None
