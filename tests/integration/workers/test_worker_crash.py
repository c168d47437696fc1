from __future__ import annotations

from app.bootstrap import Container
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, spawn_workers, wait_for
from tests.integration.workers.test_backtests import create, status


def test_a_worker_killed_mid_run_leaves_nothing_half_written_and_the_run_is_taken_over(
    stack: Stack, pg: Container, monkeypatch
) -> None:
    store_daily_bars(pg, "AAPL", days=1500)
    # Fast failure detection for the test: dead after 3 s silence, maintenance on every command.
    monkeypatch.setenv("WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS", "3000")
    monkeypatch.setenv("WEAVER_QUEUE_MAINTENANCE_CHANCE", "1000000")
    monkeypatch.setenv("WEAVER_BACKTEST_STALE_SECONDS", "3")
    first = spawn_workers(pg, stack, processes=1)
    run = create(stack, strategy="tests.fixtures.strategies:Slow", params={"pause": 0.004}, start_now=True)
    wait_for(lambda: stack.client.get(f"/api/v1/runs/{run['id']}").get_json()["progress"] > 0.1, 60, "progress")
    first.kill()  # no goodbye: the worker just vanishes
    first.stop()
    assert status(stack, run["id"]) == "running"
    assert stack.client.get(f"/api/v1/runs/{run['id']}/equity").get_json() == []  # never half-written
    second = spawn_workers(pg, stack, processes=1)
    try:
        wait_for(lambda: status(stack, run["id"]) == "completed", 90, "another worker to finish the run",
                 every=0.5)
    except AssertionError:
        print(second.log())
        raise
    finally:
        second.stop()
    detail = stack.client.get(f"/api/v1/runs/{run['id']}").get_json()
    assert detail["metrics"]["bars"] == 1500
    assert len(stack.client.get(f"/api/v1/runs/{run['id']}/equity").get_json()) == 1500
    events = stack.client.get(f"/api/v1/runs/{run['id']}/events").get_json()
    statuses = [e["payload"]["status"] for e in events if e["type"].startswith("run.")]
    assert statuses == ["created", "queued", "running", "queued", "running", "completed"]
