"""A single backtest posted while a big sweep's cells wait in the queue runs before the sweep's next
message of cells, not after the whole sweep: cells have their own queue, ranked below backtests."""

from __future__ import annotations

from datetime import datetime

from app.bootstrap import Container
from app.services.sweeps import cells_per_message
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, spawn_workers, wait_for

SETTINGS = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}
# (10 % of equity a trade: all in, a crossover on this sine compounds past $900 billion in 20,000 days)
GRID = {"fast": [3, 4, 5, 6, 7, 8, 9, 10], "slow": [20, 25, 30, 35, 40, 45, 50, 55]}  # 64 cells


def started(stack: Stack, run_id: str) -> datetime:
    return datetime.fromisoformat(stack.client.get(f"/api/v1/runs/{run_id}").get_json()["started_at"])


def test_a_backtest_posted_behind_a_sweep_runs_before_the_sweeps_later_cells(stack: Stack, pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=20_000)  # cells long enough that the sweep is still queued when the run comes
    workers = spawn_workers(pg, stack, processes=1, weaver=True)  # the Procfile's `weaver worker --queues backtest`
    try:
        wait_for(lambda: stack.client.get("/api/v1/health").get_json()["workers"].get("backtest") == 1, 90,
                 "the backtest worker process to beat", every=0.5)
        sweep = stack.client.post("/api/v1/sweeps", json={**SETTINGS, "strategy": "sma_cross", "grid": GRID,
                                                            "params": {"percent": 10}})
        assert sweep.status_code == 201, sweep.get_json()
        sweep_id = sweep.get_json()["id"]
        wait_for(lambda: stack.client.get(f"/api/v1/sweeps/{sweep_id}").get_json()["status"] == "running", 60,
                 "the sweep's cells to be queued", every=0.05)
        alone = stack.client.post("/api/v1/runs", json={**SETTINGS, "strategy": "sma_cross", "start_now": True,
                                                        "params": {"fast": 12, "slow": 60, "percent": 10}})
        assert alone.status_code == 201, alone.get_json()
        run_id = alone.get_json()["id"]
        try:
            wait_for(lambda: stack.client.get(f"/api/v1/sweeps/{sweep_id}").get_json()["status"] == "completed",
                     180, "the sweep to complete", every=0.5)
            wait_for(lambda: stack.client.get(f"/api/v1/runs/{run_id}").get_json()["status"] == "completed", 60,
                     "the backtest to complete", every=0.5)
        except AssertionError:
            print(workers.log())
            raise
    finally:
        workers.stop()
    cells = stack.client.get(f"/api/v1/sweeps/{sweep_id}/results").get_json()
    assert len(cells) == 64 and {c["status"] for c in cells} == {"completed"}
    began = started(stack, run_id)
    after = [c for c in cells if started(stack, c["run_id"]) > began]
    # One process, one thread: the run waited for the message in hand at most; every later message of
    # cells (16 cells each) started after it. Behind the sweep in one queue, it would have run last.
    message = cells_per_message(64)
    assert message == 16
    assert len(after) >= message, f"only {len(after)} of the sweep's 64 cells started after the backtest"
