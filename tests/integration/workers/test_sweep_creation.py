"""A sweep request answers at once with the sweep `creating` and its cell count; a worker creates the
cells in the background (all or none), through the outbox, the relay and the backtest queue."""

from __future__ import annotations

import time
from collections.abc import Iterator

import dramatiq
import pytest
from sqlalchemy import delete, func, select

from app.bootstrap import Container
from app.events.reader import read_events
from app.walle.models import Bar, BarSeries, Run
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, wait_for
from workers import runtime as worker_runtime
from workers.queues import consumed

BIG = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000",
       "grid": {"fast": list(range(2, 42)), "slow": list(range(50, 75))}}  # 40 x 25 = 1,000 valid cells


def cells_of(container: Container, sweep_id: str) -> int:
    with container.read_session() as session:
        return session.scalar(select(func.count()).select_from(Run).where(Run.sweep_id == sweep_id)) or 0


def sweep_events(container: Container, sweep_id: str) -> list[tuple[str, str, int, int]]:
    with container.read_session() as session:
        events = read_events(session, 0, limit=100_000)
    return [(e.type, e.payload["status"], e.payload["done"], e.payload["total"]) for e in events
            if e.type.startswith("sweep.") and e.payload.get("sweep_id") == sweep_id]


@pytest.fixture
def start_workers(stack: Stack, pg: Container) -> Iterator[list[dramatiq.Worker]]:
    """Call it to start backtest workers (threads of this process) when the test is ready for them."""
    started: list[dramatiq.Worker] = []
    yield started
    for worker in started:
        worker.stop(timeout=10_000)
    worker_runtime.install(None)


def start(started: list[dramatiq.Worker], stack: Stack, pg: Container) -> None:
    worker_runtime.install(worker_runtime.build_runtime(pg.settings, container=pg))
    worker = dramatiq.Worker(stack.broker, queues=consumed(["backtest"]), worker_threads=2, worker_timeout=100)
    worker.start()
    started.append(worker)


def test_a_thousand_cell_sweep_answers_before_its_cells_exist_then_they_all_appear(
        stack: Stack, pg: Container, start_workers: list[dramatiq.Worker]) -> None:
    store_daily_bars(pg, "AAPL", days=120)
    began = time.perf_counter()
    created = stack.client.post("/api/v1/sweeps", json=BIG)
    elapsed = time.perf_counter() - began
    assert created.status_code == 201, created.get_json()
    sweep = created.get_json()
    assert (sweep["status"], sweep["total"], sweep["done"], sweep["progress"]) == ("creating", 1000, 0, 0.0)
    assert cells_of(pg, sweep["id"]) == 0  # answered without making a single cell
    assert elapsed < 5, f"a 1,000-cell sweep took {elapsed:.1f} s to answer"  # figures: benchmarks/sweep_create.py
    page = stack.client.get("/api/v1/sweeps").get_json()  # the list and the page work with no cells yet
    assert [(s["id"], s["status"], s["total"]) for s in page["items"]] == [(sweep["id"], "creating", 1000)]
    assert stack.client.get(f"/api/v1/sweeps/{sweep['id']}/results").get_json() == []

    start(start_workers, stack, pg)
    running = wait_for(lambda: (s := stack.client.get(f"/api/v1/sweeps/{sweep['id']}").get_json())["status"]
                       != "creating" and s, 60, "the worker to create the cells", every=0.2)
    assert running["status"] in ("running", "completed") and running["total"] == 1000
    assert cells_of(pg, sweep["id"]) == 1000
    stack.client.post(f"/api/v1/sweeps/{sweep['id']}/cancel")  # no need to run a thousand backtests
    runs = stack.client.get(f"/api/v1/runs?sweep_id={sweep['id']}&per_page=1").get_json()
    assert runs["total"] == 1000
    assert sweep_events(pg, sweep["id"])[:2] == [("sweep.created", "creating", 0, 1000),
                                                 ("sweep.progress", "running", 0, 1000)]


def test_a_sweep_whose_data_vanished_before_its_cells_were_made_fails_with_the_reason(
        stack: Stack, pg: Container, start_workers: list[dramatiq.Worker]) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    sweep = stack.client.post("/api/v1/sweeps", json={**BIG, "grid": {"fast": [3, 5], "slow": [20]}}).get_json()
    assert sweep["status"] == "creating" and sweep["total"] == 2
    with pg.uow() as uow:
        uow.session.execute(delete(Bar))
        uow.session.execute(delete(BarSeries))
        uow.commit()
    start(start_workers, stack, pg)
    failed = wait_for(lambda: (s := stack.client.get(f"/api/v1/sweeps/{sweep['id']}").get_json())["status"]
                      != "creating" and s, 30, "the sweep to fail", every=0.2)
    assert failed["status"] == "failed" and "no 1Day bars stored for AAPL" in failed["error"]
    assert (failed["done"], failed["total"]) == (0, 2) and cells_of(pg, sweep["id"]) == 0
    assert sweep_events(pg, sweep["id"])[-1] == ("sweep.failed", "failed", 0, 2)


def test_creating_the_cells_again_or_after_a_cancel_makes_nothing_more(stack: Stack, pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    sweeps = stack.services.sweeps
    first = stack.client.post("/api/v1/sweeps", json={**BIG, "grid": {"fast": [3, 5], "slow": [20]}}).get_json()
    assert sweeps.create_cells(first["id"]) == "created"
    assert sweeps.create_cells(first["id"]) == "skipped"  # a redelivered command
    assert cells_of(pg, first["id"]) == 2
    assert stack.client.get(f"/api/v1/sweeps/{first['id']}").get_json()["status"] == "running"
    cancelled = stack.client.post(f"/api/v1/sweeps/{first['id']}/cancel").get_json()
    assert (cancelled["status"], cancelled["cancelled"], cancelled["done"], cancelled["progress"]) == (
        "cancelled", 2, 0, 0.0)  # both cells ended by the cancel, neither ran: no progress
    second = stack.client.post("/api/v1/sweeps", json={**BIG, "grid": {"fast": [3], "slow": [20]}}).get_json()
    assert stack.client.post(f"/api/v1/sweeps/{second['id']}/cancel").get_json()["status"] == "cancelled"
    assert sweeps.create_cells(second["id"]) == "skipped"
    assert cells_of(pg, second["id"]) == 0
