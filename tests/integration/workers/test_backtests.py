from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import dramatiq
from sqlalchemy import select

from app.bootstrap import Container
from app.events.commands import StartBacktest
from app.events.reader import read_events
from app.walle.models import EquityPoint, Fill, Order, Position, Trade
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, wait_for


def create(stack: Stack, **spec: Any) -> dict[str, Any]:
    body = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000", **spec}
    response = stack.client.post("/api/v1/runs", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def status(stack: Stack, run_id: str) -> str:
    return stack.client.get(f"/api/v1/runs/{run_id}").get_json()["status"]


def test_two_backtests_at_once_complete_in_isolation(stack: Stack, pg: Container,
                                                     thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=400)
    store_daily_bars(pg, "MSFT", days=400)
    first = create(stack, strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True)
    second = create(stack, strategy="bollinger_breakout", symbols=["MSFT"], start_now=True)
    for run in (first, second):
        wait_for(lambda r=run: status(stack, r["id"]) in ("completed", "failed"), 60, f"run {run['id']}")
        detail = stack.client.get(f"/api/v1/runs/{run['id']}").get_json()
        assert detail["status"] == "completed", detail["error"]
        assert detail["metrics"]["bars"] == 400
    with pg.read_session() as session:
        for run, symbol in ((first, "AAPL"), (second, "MSFT")):
            for model in (Order, Fill, Trade, Position):
                rows = session.scalars(select(model).where(model.run_id == run["id"])).all()
                assert all(row.symbol == symbol for row in rows), model.__name__
            assert len(session.scalars(select(EquityPoint).where(EquityPoint.run_id == run["id"])).all()) == 400
            events = read_events(session, 0, run_id=run["id"])
            assert all(e.run_id == run["id"] and e.payload["run_id"] == run["id"] for e in events)
            assert [e.type for e in events if e.type.startswith("run.")] == [
                "run.created", "run.queued", "run.started", "run.completed"]
    trades = stack.client.get(f"/api/v1/runs/{first['id']}/trades?per_page=1000").get_json()
    assert trades["total"] > 0
    assert all(t["symbol"] == "AAPL" for t in trades["items"])


def test_stopping_a_long_backtest_cancels_it_within_two_seconds(stack: Stack, pg: Container,
                                                                thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=3000)
    slow = [create(stack, strategy="tests.fixtures.strategies:Slow", params={"pause": 0.005}, start_now=True)
            for _ in range(2)]  # one per worker thread: both threads are busy for 15 s each
    for run in slow:
        wait_for(lambda r=run: stack.client.get(f"/api/v1/runs/{r['id']}").get_json()["progress"] > 0, 30,
                 "progress")
    asked = datetime.now(UTC)
    for run in slow:
        stopped = stack.client.post(f"/api/v1/runs/{run['id']}/stop", json={})
        current = stack.client.get(f"/api/v1/runs/{run['id']}").get_json()
        assert stopped.status_code == 202, (current["status"], current["progress"], current["metrics"])
        assert stopped.get_json()["status"] == "cancelled"
    probe = create(stack, strategy="buy_and_hold", start_now=True)
    wait_for(lambda: status(stack, probe["id"]) == "completed", 10, "a run after the cancelled ones")
    # Both worker threads were busy with the slow runs: the probe could only start once one let go.
    started = datetime.fromisoformat(stack.client.get(f"/api/v1/runs/{probe['id']}").get_json()["started_at"])
    freed_after = (started - asked).total_seconds()
    assert freed_after < 2.0, f"a worker thread was freed {freed_after:.2f}s after the stop"
    for run in slow:
        detail = stack.client.get(f"/api/v1/runs/{run['id']}").get_json()
        assert detail["status"] == "cancelled" and detail["progress"] < 1
        assert stack.client.get(f"/api/v1/runs/{run['id']}/equity").get_json() == []  # nothing half-written


def test_a_redelivered_message_for_a_finished_run_does_nothing(stack: Stack, pg: Container,
                                                              thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=200)
    run = create(stack, strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True)
    wait_for(lambda: status(stack, run["id"]) == "completed", 30, "completion")
    with pg.read_session() as session:
        events_before = len(read_events(session, 0, run_id=run["id"]))
    stack.queue.send(StartBacktest(run["id"]))  # the same command again (a new id: the run state tells)
    time.sleep(1.5)
    with pg.read_session() as session:
        assert len(read_events(session, 0, run_id=run["id"])) == events_before
    assert status(stack, run["id"]) == "completed"


def test_a_failing_strategy_ends_the_run_failed_with_a_readable_reason(stack: Stack, pg: Container,
                                                                       thread_workers: dramatiq.Worker) -> None:
    store_daily_bars(pg, "AAPL", days=50)
    run = create(stack, strategy="tests.fixtures.strategies:Broken", start_now=True)
    wait_for(lambda: status(stack, run["id"]) == "failed", 30, "failure")
    detail = stack.client.get(f"/api/v1/runs/{run['id']}").get_json()
    # The bar and the line, as a paper run names the bar (trial 27: "stopped with an internal error (...)")
    tenth = stack.client.get("/api/v1/bars?symbol=AAPL&timeframe=1Day").get_json()[9]["ts"]
    assert detail["error"] == (f"the strategy failed on the bar {datetime.fromisoformat(tenth).isoformat()}: "
                               "ZeroDivisionError: division by zero in my_signal() (strategies.py, line 50)")
    assert "Traceback" not in detail["error"]
    with pg.read_session() as session:
        failed = [e for e in read_events(session, 0, run_id=run["id"]) if e.type == "run.failed"]
    assert failed and "my_signal" in failed[0].payload["error"]
