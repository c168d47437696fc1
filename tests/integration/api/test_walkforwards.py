"""POST /api/v1/walkforwards and GET /api/v1/walkforwards/{id}: the folds as a user reads them, before
and after the workers ran every fold's cells and the out-of-sample runs; bad folds and objectives are 422s."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.walle.models import Run
from tests.integration.workers.test_walkforward import GRID, MIN_TRADES, SETTINGS, store_walk

BODY = {"strategy": "sma_cross", "grid": GRID, "objective": "total_return_pct", "min_trades": MIN_TRADES,
        "folds": {"kind": "rolling", "train": 100, "test": 50, "warmup": 40}, **SETTINGS}


def test_a_walk_forward_through_the_api_shows_each_folds_progress_choice_and_out_of_sample_run(
        pg: Container, client: FlaskClient) -> None:
    store_walk(pg)
    created = client.post("/api/v1/walkforwards", json=BODY)
    assert created.status_code == 201, created.get_json()
    wf = created.get_json()
    assert wf["status"] == "optimising" and wf["skipped_folds"] == []
    assert [(f["train_first"][:10], f["test_first"][:10], f["test_last"][:10]) for f in wf["folds"]] == [
        ("2023-01-02", "2023-04-12", "2023-05-31"), ("2023-02-21", "2023-06-01", "2023-07-20"),
        ("2023-04-12", "2023-07-21", "2023-09-08")]
    assert [(f["cells_done"], f["params"], f["oos_run_id"]) for f in wf["folds"]] == [(0, None, None)] * 3

    services = build_services(pg.settings, container=pg)
    for fold in wf["folds"]:
        services.sweeps.create_cells(fold["sweep_id"])
    with pg.read_session() as session:
        cells = session.scalars(select(Run.id).where(Run.sweep_id == wf["folds"][0]["sweep_id"])).all()
    services.backtests.execute_many(list(cells))
    halfway = client.get(f"/api/v1/walkforwards/{wf['id']}").get_json()
    assert [(f["cells_done"], f["cells_total"]) for f in halfway["folds"]] == [(4, 4), (0, 4), (0, 4)]
    assert halfway["status"] == "optimising"

    for fold in wf["folds"][1:]:
        with pg.read_session() as session:
            cells = session.scalars(select(Run.id).where(Run.sweep_id == fold["sweep_id"])).all()
        services.backtests.execute_many(list(cells))
    testing = client.get(f"/api/v1/walkforwards/{wf['id']}").get_json()
    assert testing["status"] == "testing"
    assert [{k: f["params"][k] for k in GRID} for f in testing["folds"]] == [
        {"fast": 5, "slow": 20}, {"fast": 8, "slow": 30}, {"fast": 5, "slow": 20}]
    assert [round(f["in_sample_metrics"]["total_return_pct"], 2) for f in testing["folds"]] == [13.10, -8.22, -4.29]
    assert [f["oos_status"] for f in testing["folds"]] == ["queued"] * 3

    for fold in testing["folds"]:
        services.backtests.execute(fold["oos_run_id"])
    done = client.get(f"/api/v1/walkforwards/{wf['id']}").get_json()
    assert done["status"] == "completed"
    for fold in done["folds"]:
        assert fold["oos_status"] == "completed" and fold["oos_metrics"]["bars"] == 90  # 40 warm-up + 50 test
        run = client.get(f"/api/v1/runs/{fold['oos_run_id']}").get_json()
        assert run["params"] == fold["params"] and run["end_at"][:10] == fold["test_last"][:10]


def test_bad_folds_and_objectives_are_422s_with_the_field(pg: Container, client: FlaskClient) -> None:
    store_walk(pg)
    overlap = client.post("/api/v1/walkforwards", json={**BODY, "folds": {"train": 100, "test": 50, "step": 20}})
    assert overlap.status_code == 422
    assert "step (20 bars) is shorter than the test window (50 bars)" in overlap.get_data(as_text=True)
    too_long = client.post("/api/v1/walkforwards", json={**BODY, "folds": {"train": 240, "test": 50}})
    assert too_long.status_code == 422
    assert "no complete fold fits in 250 bars" in too_long.get_data(as_text=True)
    objective = client.post("/api/v1/walkforwards", json={**BODY, "objective": "bars_per_year"})
    assert objective.status_code == 422 and "objective" in objective.get_data(as_text=True)
    assert client.get("/api/v1/walkforwards/nope").status_code == 404


def test_calendar_folds_are_planned_by_month_from_the_windows_start(pg: Container, client: FlaskClient) -> None:
    store_walk(pg)  # daily bars 2023-01-02 .. 2023-09-08
    created = client.post("/api/v1/walkforwards", json={**BODY, "folds": {"kind": "anchored", "train": "3M",
                                                                           "test": "1M"}})
    assert created.status_code == 201, created.get_json()
    folds = created.get_json()["folds"]
    assert [(f["train_first"][:10], f["train_last"][:10], f["test_first"][:10], f["test_last"][:10], f["partial"])
            for f in folds] == [
        ("2023-01-02", "2023-04-01", "2023-04-02", "2023-05-01", False),
        ("2023-01-02", "2023-05-01", "2023-05-02", "2023-06-01", False),
        ("2023-01-02", "2023-06-01", "2023-06-02", "2023-07-01", False),
        ("2023-01-02", "2023-07-01", "2023-07-02", "2023-08-01", False),
        ("2023-01-02", "2023-08-01", "2023-08-02", "2023-09-01", False),
        ("2023-01-02", "2023-09-01", "2023-09-02", "2023-09-08", True),  # the data ends in the last test month
    ]
    assert [f["cells_total"] for f in folds] == [4] * 6
