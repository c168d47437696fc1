"""A walk-forward folds like a sweep: `GET /runs?cells=hide` (the dashboard's top level) leaves out its
out-of-sample and contrast runs (by `runs.walkforward_id`, migration 0017) as well as its sweeps' cells,
`cells=only` lists sweep cells alone as before, and `GET /sweeps?cells=hide` leaves out its fold and contrast
sweeps; the defaults (`show`) list everything as before. The top level still reads its partial indexes
(0011's and 0012's, rebuilt by 0017): filtering those runs by their options instead cost a first page at
100,000 runs 13.7 ms, not 1.5."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container
from app.walle.models import Run, RunMetric, Sweep, Walkforward
from app.walle.repositories.run_pages import arms, page_statement, psycopg_sql, reading
from tests.integration.api.conftest import walk

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
                       walkforward_id=(options or {}).get("walkforward_id"),  # as app/services/walkforwards.py
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




def test_top_level_runs_leave_out_a_walk_forwards_runs_and_cells(api: FlaskClient, any_db: Container) -> None:
    stored = store(any_db)
    assert ids(api, "/api/v1/runs?cells=hide") == stored["plain"]
    body = api.get("/api/v1/runs?cells=hide").get_json()
    assert (body["total"], body["total_exact"]) == (2, True)
    assert set(ids(api, "/api/v1/runs?cells=only&per_page=100")) == set(stored["cells"])  # sweep cells, as before
    everything = set(stored["plain"]) | set(stored["cells"]) | set(stored["wf_runs"])
    assert set(ids(api, "/api/v1/runs?per_page=100")) == everything  # the default lists every run, as before
    assert set(ids(api, "/api/v1/runs?cells=show&per_page=100")) == everything
    assert api.get("/api/v1/runs").get_json()["total"] == len(everything)



def test_a_walk_forwards_runs_name_it_in_the_list_and_alone(api: FlaskClient, any_db: Container) -> None:
    """List items and GET /runs/{id} carry `walkforward_id` (on Postgres the item text 0018's trigger keeps):
    the walk-forward's OOS and contrast runs name it, other runs (its sweeps' cells included) say null."""
    stored = store(any_db)
    with any_db.read_session() as session:
        wf_id = session.scalar(select(Walkforward.id))
    items = {item["id"]: item for item in api.get("/api/v1/runs?per_page=100").get_json()["items"]}
    assert len(items) == len(stored["plain"]) + len(stored["cells"]) + len(stored["wf_runs"])
    for run_id, item in items.items():
        want = wf_id if run_id in stored["wf_runs"] else None
        alone = api.get(f"/api/v1/runs/{run_id}").get_json()
        assert item["walkforward_id"] == alone["walkforward_id"] == want, run_id
        assert item == alone
    assert list(items[stored["wf_runs"][0]])[16:19] == ["sweep_id", "walkforward_id", "created_at"]


def test_cursor_and_numbered_pages_with_hide_and_only_give_every_run_once_in_order(api: FlaskClient,
                                                                                    any_db: Container) -> None:
    stored = store(any_db)
    expected = {"hide": set(stored["plain"]), "only": set(stored["cells"]),
                "show": set(stored["plain"]) | set(stored["cells"]) | set(stored["wf_runs"])}
    for sort in ("created_at", "name", "sharpe", "trades"):  # `sharpe`: the metric arm; `trades`: the missing arm
        for order in ("desc", "asc"):
            for cells, want in expected.items():
                query = f"sort={sort}&order={order}&cells={cells}"
                one_page = ids(api, f"/api/v1/runs?{query}&per_page=100")
                assert set(one_page) == want, query
                for per_page in (1, 3):
                    assert walk(api, query, per_page) == one_page, f"{query} per_page={per_page}"
                numbered = [i for page in range(1, 15)
                            for i in ids(api, f"/api/v1/runs?{query}&per_page=2&page={page}")]
                assert numbered == one_page, f"{query}: numbered pages"


def test_a_top_level_page_reads_the_partial_indexes(pg: Container) -> None:
    """The dashboard's first page, by a run column and by a metric: the rebuilt partial indexes serve it (their
    predicate is implied by the page's), not the indexes of every run. Sequential scans are ruled out, as a
    table of 100,000 runs rules them out; the planner then picks between the indexes alone."""
    store(pg)
    with reading(pg.pages_engine) as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("SET enable_seqscan = off")
        try:
            for sort, index in (("created_at", "ix_runs_top_created"), ("status", "ix_runs_top_status_created"),
                                ("sharpe", "ix_run_metrics_top_sort"), ("trades", "ix_runs_top_created")):
                statement = page_statement(True, arms(True, sort, True, "first", ("cells=hide",)), ("cells=hide",))
                sql, constants = psycopg_sql(statement, (("limit", 51),), conn.dialect)
                plan = "\n".join(row[0] for row in driver.execute("EXPLAIN " + sql, constants).fetchall())
                assert index in plan, f"{sort}:\n{plan}"
                assert "ix_runs_created_at" not in plan and "ix_runs_status_created" not in plan, f"{sort}:\n{plan}"
        finally:
            driver.execute("RESET enable_seqscan")


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
