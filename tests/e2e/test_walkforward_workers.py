"""A walk-forward through the API on the production processes (`weaver web`, `weaver scheduler`, two
`weaver worker --queues backtest` processes, Postgres and Redis): it completes with the result the same
walk-forward gives in process, even when a worker is SIGKILLed in the middle of its cells (its messages
go back to the queue, and the cell it was running is taken over); and a cancel stops every remaining
cell, leaving the workers alive and idle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import build_services
from app.glados.app import create_app
from app.services.walkforward_specs import WalkforwardCreate
from app.walle import migrate
from tests.conftest import TEST_TOKEN, create_pg_database, drop_pg_database, make_settings, pg_url_for
from tests.e2e.walkforward_stack import Stack, backtest_workers, store_minute_bars, walkforward_stack
from tests.waiting import wait_for

pytestmark = pytest.mark.timeout(150)

SYMBOL, BARS = "SYN", 2000
GRID = {"fast": [3, 5, 8], "slow": [20, 30, 45, 60]}  # 12 cells a sweep
PAUSE = 0.00025  # seconds a bar: a cell of a train window (800 bars) takes about 0.3 s
BODY = {"strategy": "tests.fixtures.strategies:SlowCross", "grid": GRID, "params": {"pause": PAUSE},
        "symbols": [SYMBOL], "timeframe": "1Min", "cash": "100000", "objective": "total_return_pct",
        "min_trades": 1, "contrast": True,
        "folds": {"kind": "rolling", "train": 800, "test": 300, "warmup": 100}}  # 4 folds on 2,000 bars
CELLS = 5 * 12  # 4 folds and the whole window
FINISHED = ("completed", "failed", "cancelled")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with walkforward_stack(tmp_path, workers=2, symbol=SYMBOL, bars=BARS) as stack:
        yield stack


def test_a_walk_forward_completes_as_in_process_though_a_worker_is_killed_mid_way(stack: Stack) -> None:
    created = stack.post("walkforwards", BODY)
    assert created.status_code == 201, created.text
    wf_id = created.json()["id"]
    assert len(created.json()["folds"]) == 4
    victim = 0
    # Once a quarter of the cells are done and the victim is running one of its messages' cells: kill it.
    wait_for(lambda: _victims_running_cells(stack, wf_id, victim), 60, "a quarter of the cells done and a cell "
             "running in the victim", every=0.1)
    stack.kill_worker(victim)
    # What it had taken and not acknowledged (the cell it ran, the message it had fetched ahead), as it died:
    held = {run_id: stack.get(f"runs/{run_id}")["status"] for run_id in stack.held(victim)}
    unfinished = [run_id for run_id, status in held.items() if status in ("queued", "running")]
    assert unfinished, held  # cells that nobody would run again if its messages were not redelivered
    stack.start_worker()  # the supervisor would; a fresh process joins the survivor

    try:
        done = wait_for(lambda: _finished(stack, wf_id), 75, "the walk-forward to complete", every=0.5)
    except AssertionError:
        print(stack.log("worker-1"), stack.log("worker-2"), stack.log("scheduler"))
        raise
    assert done["status"] == "completed" and done["error"] is None
    # the cells, 4 OOS runs, the contrast run and its 4 test windows
    assert (done["cells_done"], done["cells_total"]) == (CELLS + 9, CELLS + 9)
    for sweep_id in [f["sweep_id"] for f in done["folds"]] + [done["contrast"]["sweep_id"]]:
        sweep = stack.get(f"sweeps/{sweep_id}")
        assert (sweep["status"], sweep["total"], sweep["done"], sweep["failed"]) == ("completed", 12, 12, 0)
        assert {cell["status"] for cell in stack.get(f"sweeps/{sweep_id}/results")} == {"completed"}
    assert all(f["params"] is not None and f["oos_status"] == "completed" for f in done["folds"])
    assert done["contrast"]["run_status"] == "completed"
    for run_id in unfinished:  # redelivered and completed; the one it was running was taken over, once
        statuses = [e["payload"]["status"] for e in stack.get(f"runs/{run_id}/events") if e["type"].startswith("run.")]
        expected = ["queued", "running", "queued", "running", "completed"] if held[run_id] == "running" else [
            "queued", "running", "completed"]
        assert statuses == expected, (held[run_id], statuses)

    alone = in_process(stack.database_url)  # the same walk-forward, every cell run in this process
    assert [_grid_params(f["params"]) for f in done["folds"]] == [_grid_params(f["params"]) for f in alone["folds"]]
    assert _grid_params(done["contrast"]["params"]) == _grid_params(alone["contrast"]["params"])
    for ours, theirs in zip(done["folds"], alone["folds"], strict=True):
        assert ours["in_sample_metrics"] == theirs["in_sample_metrics"]
        assert ours["oos_metrics"] == theirs["oos_metrics"]
        assert _cells(stack.get(f"sweeps/{ours['sweep_id']}/results")) == _cells(theirs["cells"])
    assert done["result"] == alone["result"]
    assert done["result"]["folds_included"] == 4 and done["result"]["metrics"]["bars"] == 4 * 300


def test_cancelling_a_walk_forward_stops_its_remaining_cells_and_leaves_the_workers_idle(stack: Stack) -> None:
    wf_id = stack.post("walkforwards", BODY).json()["id"]
    wait_for(lambda: 4 <= stack.get(f"walkforwards/{wf_id}")["cells_done"] <= CELLS // 2
             and _running_cells(stack, wf_id), 60, "cells done and cells running", every=0.1)

    answer = stack.post(f"walkforwards/{wf_id}/cancel")
    assert answer.status_code == 202 and answer.json()["status"] == "cancelled"
    wait_for(lambda: not _running_cells(stack, wf_id, ("queued", "running")), 3, "no cell queued or running")
    wait_for(stack.queue_idle, 10, "the workers to drop the cancelled cells' messages", every=0.2)
    cancelled = stack.get(f"walkforwards/{wf_id}")
    assert cancelled["status"] == "cancelled" and cancelled["result"] is None
    # A fold whose sweep finished before the cancel had its OOS run queued at once: cancelled (or done) now.
    assert all(f["oos_status"] in ("cancelled", "completed") for f in cancelled["folds"] if f["oos_run_id"])
    assert cancelled["cells_total"] == CELLS + 9  # as created: every cell, 4 OOS runs, the contrast's 5 runs
    assert cancelled["cells_done"] + cancelled["cells_cancelled"] == cancelled["cells_total"]
    assert cancelled["cells_cancelled"] >= CELLS // 2  # what had not run is counted cancelled, not done
    results = {s: stack.get(f"sweeps/{s}/results") for s in _sweep_ids(cancelled)}
    statuses = [c["status"] for cells in results.values() for c in cells]
    # A fold's sweep cancelled before a worker made its cells has none: its planned cells count cancelled.
    unmade = sum(stack.get(f"sweeps/{s}")["total"] - len(cells) for s, cells in results.items())
    assert set(statuses) == {"completed", "cancelled"} and statuses.count("cancelled") + unmade >= CELLS // 2
    unfinished = {f["sweep_id"] for f in cancelled["folds"] if not f["oos_run_id"] and not f["reason"]}
    assert {stack.get(f"sweeps/{s}")["status"] for s in unfinished} == {"cancelled"}
    assert all(worker.poll() is None for worker in stack.workers)  # alive
    assert backtest_workers(stack) == 2
    assert stack.queue_idle()  # and idle: nothing queued, delayed or held


def in_process(database_url: str) -> dict[str, Any]:
    """The same walk-forward on the same bars, its cells run one by one in this process (no pause: sleeping
    changes no trade), read through the same API; in a database of its own, which no relay reads."""
    name = create_pg_database("weaver_wf_alone")
    url = pg_url_for(name)
    try:
        migrate.upgrade(url)
        store_minute_bars(url, SYMBOL, BARS)
        settings = make_settings(url, broker="memory")
        services = build_services(settings, listen=False)
        wf = services.walkforwards.create(WalkforwardCreate(**{**BODY, "params": {"pause": 0.0}}))
        sweeps = [f["sweep_id"] for f in wf.folds] + [wf.contrast["sweep_id"]]
        app = create_app({"SETTINGS": settings, "SERVICES": services})
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        try:
            for sweep_id in sweeps:
                assert services.sweeps.create_cells(sweep_id) == "created"
            for sweep_id in sweeps:  # each fold's OOS run (and the contrast run) goes right after its sweep
                cells = [c["run_id"] for c in client.get(f"/api/v1/sweeps/{sweep_id}/results").get_json()]
                assert services.backtests.execute_many(cells) == "done"
            done = client.get(f"/api/v1/walkforwards/{wf.id}").get_json()
            assert done["status"] == "completed"
            for fold in done["folds"]:
                fold["cells"] = client.get(f"/api/v1/sweeps/{fold['sweep_id']}/results").get_json()
            return done
        finally:
            app.extensions["weaver"].broadcaster.stop()
            services.close()
    finally:
        drop_pg_database(name)


def _finished(stack: Stack, wf_id: str) -> dict[str, Any] | None:
    wf = stack.get(f"walkforwards/{wf_id}")
    return wf if wf["status"] in FINISHED else None


def _sweep_ids(wf: dict[str, Any]) -> list[str]:
    return [f["sweep_id"] for f in wf["folds"]] + ([wf["contrast"]["sweep_id"]] if wf["contrast"] else [])


def _running_cells(stack: Stack, wf_id: str, states: tuple[str, ...] = ("running",)) -> list[str]:
    wf = stack.get(f"walkforwards/{wf_id}")
    return [c["run_id"] for s in _sweep_ids(wf) for c in stack.get(f"sweeps/{s}/results") if c["status"] in states]


def _victims_running_cells(stack: Stack, wf_id: str, victim: int) -> list[str]:
    """The cells the victim is running, once a quarter of all are done (empty before)."""
    if stack.get(f"walkforwards/{wf_id}")["cells_done"] < CELLS // 4:
        return []
    held = set(stack.held(victim))
    return [run_id for run_id in _running_cells(stack, wf_id) if run_id in held]


def _grid_params(params: dict[str, Any]) -> dict[str, Any]:
    return {name: params[name] for name in GRID}


def _cells(results: list[dict[str, Any]]) -> dict[tuple[int, int], dict[str, Any]]:
    return {(c["params"]["fast"], c["params"]["slow"]): c["metrics"] for c in results}
