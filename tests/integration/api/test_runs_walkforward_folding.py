"""A walk-forward's sweeps fold under it: `GET /sweeps?cells=hide` (the dashboard's) leaves out its fold and
contrast sweeps, and the default (`show`) lists every sweep as before. Its cells are sweep cells, so
`GET /runs?cells=hide` leaves them out; its out-of-sample and contrast runs stay on the top level (filtering them
there by their options cost the list its partial indexes: a first page at 100,000 runs took 14 ms, not 1.5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.walle.models import Run, RunMetric, Sweep, Walkforward

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
FOLDS = 4


def store(db: Container) -> dict[str, Any]:
    """A plain sweep of 2 cells and a plain backtest, older than a walk-forward of `FOLDS` fold sweeps (one cell
    each) and a contrast sweep, their OOS runs and contrast run, and a plain backtest newer than all of them."""
    at = iter(START + timedelta(seconds=i) for i in range(1000))
    with db.uow() as uow:
        def sweep(name: str, walkforward_id: str | None = None, fold: int | None = None) -> str:
            made = Sweep(name=name, strategy="sma_cross", grid={"fast": [5]}, settings={}, status="completed",
                         total=1, walkforward_id=walkforward_id, fold=fold, created_at=next(at))
            uow.session.add(made)
            uow.session.flush()
            return made.id

        def run(name: str, sweep_id: str | None = None, options: dict[str, Any] | None = None) -> str:
            made = Run(mode="backtest", name=name, strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                       cash=Decimal("10000"), status="completed", sweep_id=sweep_id, options=options or {},
                       created_at=next(at))
            uow.session.add(made)
            uow.session.add(RunMetric(run_id=made.id, name="sharpe", value=len(name) / 10))
            return made.id

        plain_sweep = sweep("plain grid")
        cells = [run(f"plain cell {i}", plain_sweep) for i in range(2)]
        older = run("plain older", options={"warmup": 0})
        wf = Walkforward(name="wf", strategy="sma_cross", grid={"fast": [5]}, settings={}, fold_spec={},
                         objective="sharpe", direction="max", status="completed", folds=[], created_at=next(at))
        uow.session.add(wf)
        uow.session.flush()
        fold_sweeps = [sweep(f"wf fold {i}", wf.id, i) for i in range(FOLDS)]
        contrast_sweep = sweep("wf contrast", wf.id)
        wf_cells = [run(f"wf cell {i}", s) for i, s in enumerate([*fold_sweeps, contrast_sweep])]
        oos = [run(f"wf fold {i} out of sample", options={"walkforward_id": wf.id, "close_at_end": True})
               for i in range(FOLDS)]
        contrast = run("wf contrast run", options={"walkforward_id": wf.id, "contrast": True})
        newer = run("plain newer")
        uow.commit()
        return {"plain": [newer, older], "cells": cells + wf_cells, "wf_runs": [*oos, contrast],
                "plain_sweep": plain_sweep, "wf_sweeps": [*fold_sweeps, contrast_sweep]}


def ids(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_top_level_runs_leave_out_the_walk_forwards_cells_and_keep_its_runs(api: FlaskClient,
                                                                             any_db: Container) -> None:
    stored = store(any_db)
    assert set(ids(api, "/api/v1/runs?cells=hide")) == set(stored["plain"]) | set(stored["wf_runs"])
    assert set(ids(api, "/api/v1/runs?cells=only&per_page=100")) == set(stored["cells"])


def test_sweeps_list_hides_a_walk_forwards_sweeps_only_when_asked(api: FlaskClient, any_db: Container) -> None:
    stored = store(any_db)
    body = api.get("/api/v1/sweeps?cells=hide").get_json()
    assert [item["id"] for item in body["items"]] == [stored["plain_sweep"]]
    assert body["total"] == 1
    shown = api.get("/api/v1/sweeps").get_json()  # the default, as before: every sweep
    assert shown["total"] == 1 + FOLDS + 1
    assert {item["id"] for item in shown["items"]} == {stored["plain_sweep"], *stored["wf_sweeps"]}
    assert ids(api, "/api/v1/sweeps?cells=show&per_page=5&page=2") == [stored["plain_sweep"]]
    assert api.get("/api/v1/sweeps?cells=only").status_code == 422
