from __future__ import annotations

from app.bootstrap import Container
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, spawn_workers, wait_for


def test_a_twelve_cell_sweep_completes_on_two_worker_processes(stack: Stack, pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=500)
    workers = spawn_workers(pg, stack, processes=2)
    try:
        # Both processes beat before the sweep is posted: under load one can boot after a short sweep is done.
        wait_for(lambda: stack.client.get("/api/v1/health").get_json()["workers"].get("backtest") == 2, 90,
                 "both backtest worker processes to beat", every=0.5)
        created = stack.client.post("/api/v1/sweeps", json={
            "strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
            "grid": {"fast": [3, 5, 8, 13], "slow": [21, 34, 55]},
        })
        assert created.status_code == 201, created.get_json()
        sweep = created.get_json()
        assert sweep["total"] == 12 and sweep["skipped"] == []
        try:
            done = wait_for(lambda: (s := stack.client.get(f"/api/v1/sweeps/{sweep['id']}").get_json())["status"]
                            == "completed" and s, 120, "the sweep to complete", every=0.5)
        except AssertionError:
            print(workers.log())
            raise
        assert done["done"] == 12 and done["failed"] == 0 and done["progress"] == 1.0
        health = stack.client.get("/api/v1/health").get_json()
        assert health["workers"].get("backtest") == 2  # two worker processes beat on the queue
    finally:
        workers.stop()
    rows = stack.client.get(f"/api/v1/sweeps/{sweep['id']}/results?sort=sharpe&order=desc").get_json()
    assert len(rows) == 12 and {r["status"] for r in rows} == {"completed"}
    sharpes = [r["metrics"]["sharpe"] for r in rows if r["metrics"].get("sharpe") is not None]
    assert sharpes == sorted(sharpes, reverse=True) and len(sharpes) >= 6
    cells = {(r["params"]["fast"], r["params"]["slow"]) for r in rows}
    assert cells == {(f, s) for f in (3, 5, 8, 13) for s in (21, 34, 55)}
    ascending = stack.client.get(f"/api/v1/sweeps/{sweep['id']}/results?sort=fast&order=asc").get_json()
    assert [r["params"]["fast"] for r in ascending] == sorted(r["params"]["fast"] for r in rows)
    for row in rows:  # every cell stored its results
        assert stack.client.get(f"/api/v1/runs/{row['run_id']}/equity?points=10").status_code == 200
        assert stack.client.get(f"/api/v1/runs/{row['run_id']}").get_json()["metrics"]["bars"] == 500


def test_a_sweep_with_invalid_cells_skips_them_and_says_why(stack: Stack, pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=100)
    created = stack.client.post("/api/v1/sweeps", json={
        "strategy": "sma_cross", "symbols": ["AAPL"], "grid": {"fast": [5, 30], "slow": [20]},
    }).get_json()
    assert created["total"] == 1
    assert created["skipped"] == [{"params": {"fast": 30, "slow": 20}, "reason": "fast: must be less than slow"}]
