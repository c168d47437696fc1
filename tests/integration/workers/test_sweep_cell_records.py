"""A sweep cell stores only its summary when it runs; opened in the API it shows exactly the orders,
fills, equity curve and metrics of the same backtest run alone."""

from __future__ import annotations

from typing import Any

import dramatiq

from app.bootstrap import Container
from app.events.commands import StartBacktests
from tests.integration.api.conftest import issued, store_daily_bars
from tests.integration.workers.conftest import Stack, wait_for
from tests.integration.workers.paper_twin import paper_twin, without_client_ids

SETTINGS = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}


def without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A record as a user compares it: every field but the ids, which name the run it belongs to."""
    return [{k: v for k, v in row.items() if k != "id" and not k.endswith("_id")} for row in rows]


def all_items(stack: Stack, path: str) -> list[dict[str, Any]]:
    body = stack.client.get(f"{path}?per_page=1000").get_json()
    assert body["total"] == len(body["items"]), path
    return body["items"]


def test_a_sweep_cell_shows_the_same_orders_fills_equity_and_metrics_as_the_run_alone(
        stack: Stack, pg: Container, thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=400)
    alone = stack.client.post("/api/v1/runs", json={**SETTINGS, "strategy": "sma_cross",
                                                    "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    sweep = stack.client.post("/api/v1/sweeps", json={**SETTINGS, "strategy": "sma_cross",
                                                      "grid": {"fast": [5, 8], "slow": [20]}}).get_json()
    wait_for(lambda: stack.client.get(f"/api/v1/sweeps/{sweep['id']}").get_json()["status"] == "completed", 60,
             "the sweep to complete")
    wait_for(lambda: stack.client.get(f"/api/v1/runs/{alone['id']}").get_json()["status"] == "completed", 60,
             "the run to complete")
    cells = stack.client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_json()
    cell_id = next(c["run_id"] for c in cells if c["params"]["fast"] == 5)
    single, cell = (f"/api/v1/runs/{alone['id']}", f"/api/v1/runs/{cell_id}")

    summary = stack.client.get(cell).get_json()  # what a sweep's table shows, before the cell is opened
    trades = all_items(stack, f"{single}/trades")
    assert trades and without_ids(all_items(stack, f"{cell}/trades")) == without_ids(trades)
    orders = all_items(stack, f"{single}/orders")
    assert len(orders) >= 2 * len(trades)
    assert without_ids(all_items(stack, f"{cell}/orders")) == without_ids(orders)
    assert without_ids(all_items(stack, f"{cell}/fills")) == without_ids(all_items(stack, f"{single}/fills"))
    equity = stack.client.get(f"{single}/equity").get_json()
    assert len(equity) == 400
    assert stack.client.get(f"{cell}/equity").get_json() == equity
    assert stack.client.get(f"{cell}/equity?points=10").get_json() == \
        stack.client.get(f"{single}/equity?points=10").get_json()
    detail, cell_detail = stack.client.get(single).get_json(), stack.client.get(cell).get_json()
    assert summary["metrics"] == cell_detail["metrics"] == detail["metrics"]  # opening changed none
    assert detail["metrics"]["bars"] == 400 and detail["metrics"]["trades"] == len(trades)
    assert cell_detail["options"]["rejections"] == detail["options"]["rejections"]
    exported = stack.client.get(f"{cell}/export/fills?format=csv").get_data(as_text=True)
    assert exported.count("\n") == len(all_items(stack, f"{single}/fills")) + 1


def test_a_sixteen_cell_sweep_sends_its_cells_four_per_message_and_each_completes_as_alone(
        stack: Stack, pg: Container, thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    sweep = stack.client.post("/api/v1/sweeps", json={**SETTINGS, "strategy": "sma_cross",
                                                      "grid": {"fast": [3, 5, 8, 10], "slow": [20, 30, 40, 50]}})
    assert sweep.status_code == 201, sweep.get_json()
    sweep_id = sweep.get_json()["id"]
    done = wait_for(lambda: (s := stack.client.get(f"/api/v1/sweeps/{sweep_id}").get_json())["status"]
                    == "completed" and s, 60, "the sweep to complete")
    assert done["done"] == 16 and done["failed"] == 0
    batches = [c.run_ids for c in issued(pg) if isinstance(c, StartBacktests)]
    assert [len(b) for b in batches] == [4] * 4
    rows = stack.client.get(f"/api/v1/sweeps/{sweep_id}/results").get_json()
    assert sorted(r["run_id"] for r in rows) == sorted(run_id for b in batches for run_id in b)
    for row in rows:
        assert row["status"] == "completed" and row["metrics"]["bars"] == 300
    last = rows[-1]  # one cell of a shared message: its records are those of the same run alone
    alone = stack.client.post("/api/v1/runs", json={**SETTINGS, "strategy": "sma_cross", "params": last["params"],
                                                    "start_now": True}).get_json()
    wait_for(lambda: stack.client.get(f"/api/v1/runs/{alone['id']}").get_json()["status"] == "completed", 60,
             "the run to complete")
    for kind in ("orders", "fills", "trades"):
        assert without_ids(all_items(stack, f"/api/v1/runs/{last['run_id']}/{kind}")) == \
            without_ids(all_items(stack, f"/api/v1/runs/{alone['id']}/{kind}"))
    assert stack.client.get(f"/api/v1/runs/{last['run_id']}").get_json()["metrics"] == \
        stack.client.get(f"/api/v1/runs/{alone['id']}").get_json()["metrics"]


def test_a_drift_report_against_a_sweep_cell_lines_up_its_decisions_as_against_the_run_alone(
        stack: Stack, pg: Container, thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    alone = stack.client.post("/api/v1/runs", json={**SETTINGS, "strategy": "sma_cross",
                                                    "params": {"fast": 5, "slow": 20}, "start_now": True}).get_json()
    sweep = stack.client.post("/api/v1/sweeps", json={**SETTINGS, "strategy": "sma_cross",
                                                      "grid": {"fast": [5, 8], "slow": [20]}}).get_json()
    wait_for(lambda: stack.client.get(f"/api/v1/sweeps/{sweep['id']}").get_json()["status"] == "completed", 60,
             "the sweep to complete")
    wait_for(lambda: stack.client.get(f"/api/v1/runs/{alone['id']}").get_json()["status"] == "completed", 60,
             "the run to complete")
    cell_id = next(c["run_id"] for c in stack.client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_json()
                   if c["params"]["fast"] == 5)
    assert stack.client.get(f"/api/v1/runs/{cell_id}").get_json()["options"]["records"] == "summary"
    paper = paper_twin(pg, alone["id"])

    versus_cell = stack.client.get(f"/api/v1/runs/{paper}/drift?against={cell_id}")
    assert versus_cell.status_code == 200, versus_cell.get_json()
    report = versus_cell.get_json()
    assert report["summary"]["decisions"] > 2 and report["summary"]["identical"] == report["summary"]["decisions"]
    versus_alone = stack.client.get(f"/api/v1/runs/{paper}/drift?against={alone['id']}").get_json()
    assert without_client_ids({**report, "against": None}) == without_client_ids({**versus_alone, "against": None})
    assert len(report["equity"]["backtest"]) == 300  # the whole curve, not the cell's summary of it
    assert "records" not in stack.client.get(f"/api/v1/runs/{cell_id}").get_json()["options"]
