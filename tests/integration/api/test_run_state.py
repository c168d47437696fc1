"""Every run carries one `state` view (app/services/run_state.py): what it is doing, why it stopped and
whether it can be stopped or started, the same in GET /runs/{id}, the runs list and the status event.
The stops are recorded by the code that makes them in production: the API (user stop, kill switch),
the live worker's control (finishing a stop, the kill switch) and the risk guard's text."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.clock.system import SystemClock
from app.events.reader import read_events
from app.services.runs import transition
from app.veda.control import Control
from app.veda.desk import Desk
from app.veda.risk import RiskState, check_loss
from tests.integration.api.conftest import store_daily_bars
from tests.integration.foundation.factories import make_run


def running(pg: Container, mode: str = "paper") -> str:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode=mode, timeframe="1Sec", symbols=["AAPL"], cash=Decimal("1000")))
        transition(uow, run, "queued" if mode == "backtest" else "running")
        if mode == "backtest":
            transition(uow, run, "running")
        uow.commit()
        return run.id


def move(pg: Container, run_id: str, target: str, error: str | None = None) -> None:
    with pg.uow() as uow:
        transition(uow, uow.runs.get(run_id), target, error=error)
        uow.commit()


def state_of(client: FlaskClient, run_id: str) -> dict[str, Any]:
    alone = client.get(f"/api/v1/runs/{run_id}").get_json()["state"]
    listed = [item["state"] for item in client.get("/api/v1/runs?per_page=100").get_json()["items"]
              if item["id"] == run_id]
    assert listed == [alone]  # the list says what the run's page says
    return alone  # type: ignore[no-any-return]


def last_event_state(pg: Container, run_id: str) -> dict[str, Any]:
    with pg.read_session() as session:
        events = [e for e in read_events(session, 0, run_id=run_id) if "state" in e.payload]
    return events[-1].payload["state"]  # type: ignore[no-any-return]


def worker_control(pg: Container) -> Control:
    return Control(Desk(pg.uow, {}, SystemClock()))  # no broker: only the runs' states change


def test_a_running_run_can_be_stopped_and_not_started(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg)
    assert state_of(client, run_id) == {"state": "running", "reason": None, "message": None,
                                        "can_stop": True, "can_start": False}


def test_a_running_run_with_a_rejected_order_is_still_running_not_an_error(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg)
    with pg.uow() as uow:  # what the gateway writes when the broker rejects an order (app/veda/gateway.py)
        uow.runs.get(run_id).error = "order abc rejected by the broker: insufficient buying power"
        uow.commit()
    assert state_of(client, run_id)["state"] == "running" and state_of(client, run_id)["reason"] is None


def test_a_user_stop_reads_stopping_then_stopped_by_the_user(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg)
    with pg.uow() as uow:  # a warning from an earlier tick must not turn the stop into an error
        uow.runs.get(run_id).error = "order abc rejected by the broker: insufficient buying power"
        uow.commit()
    stopping = client.post(f"/api/v1/runs/{run_id}/stop", json={}).get_json()["state"]
    assert stopping == {"state": "stopping", "reason": "user", "message": None, "can_stop": False, "can_start": False}
    worker_control(pg).stop(run_id)
    stopped = state_of(client, run_id)
    assert stopped == {"state": "stopped", "reason": "user", "message": None, "can_stop": False, "can_start": True}
    assert last_event_state(pg, run_id) == stopped


def test_a_run_started_again_forgets_why_it_stopped(client: FlaskClient, pg: Container) -> None:
    """Trial 21: a paper run started again after a stop read `"error": "stopped by the user"` while running
    (`weaver runs show`: "running (stopped by the user)")."""
    run_id = running(pg)
    client.post(f"/api/v1/runs/{run_id}/stop", json={})
    worker_control(pg).stop(run_id)
    assert client.get(f"/api/v1/runs/{run_id}").get_json()["error"] == "stopped by the user"

    move(pg, run_id, "running")  # as POST /runs/{id}/start moves it (the paper account is not configured here)

    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    assert (run["status"], run["error"], run["finished_at"]) == ("running", None, None)
    assert run["state"] == {"state": "running", "reason": None, "message": None, "can_stop": True, "can_start": False}


def test_the_kill_switch_reads_stopped_by_the_kill_switch_not_an_error(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg, mode="live")
    assert client.post("/api/v1/kill").status_code in (200, 202)
    assert state_of(client, run_id)["state"] == "stopping"
    assert state_of(client, run_id)["reason"] == "kill_switch"
    worker_control(pg).kill()
    stopped = state_of(client, run_id)
    assert stopped == {"state": "stopped", "reason": "kill_switch", "message": None,
                       "can_stop": False, "can_start": True}
    assert last_event_state(pg, run_id) == stopped


def test_a_risk_halt_reads_stopped_by_the_risk_limit_with_its_detail(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg)
    breach = check_loss({"max_daily_loss": 100}, RiskState(Decimal(0), Decimal(0), 0, Decimal("880"), Decimal("1000")))
    assert breach is not None
    move(pg, run_id, "stopped", error=breach.detail)  # as the tick records a halt (app/veda/tick.py)
    assert state_of(client, run_id) == {"state": "stopped", "reason": "risk_limit",
                                        "message": "down 120.00 today; the limit is 100.00: run halted",
                                        "can_stop": False, "can_start": True}


def test_a_live_error_reads_stopped_by_an_error_with_its_message(client: FlaskClient, pg: Container) -> None:
    run_id = running(pg)
    move(pg, run_id, "error", error="tick 2026-01-05T14:30:00Z failed: ZeroDivisionError")
    assert state_of(client, run_id) == {"state": "stopped", "reason": "error",
                                        "message": "tick 2026-01-05T14:30:00Z failed: ZeroDivisionError",
                                        "can_stop": False, "can_start": True}


def test_backtests_completed_failed_and_cancelled(client: FlaskClient, pg: Container) -> None:
    done, failed = running(pg, mode="backtest"), running(pg, mode="backtest")
    move(pg, done, "completed")
    move(pg, failed, "failed", error="no bars between 2024-01-01 and 2024-01-02")
    assert state_of(client, done) == {"state": "stopped", "reason": "completed", "message": None,
                                      "can_stop": False, "can_start": False}
    assert state_of(client, failed) == {"state": "stopped", "reason": "error",
                                        "message": "no bars between 2024-01-01 and 2024-01-02",
                                        "can_stop": False, "can_start": True}
    store_daily_bars(pg, "AAPL", days=60, start=datetime(2023, 1, 2, tzinfo=UTC))
    created = client.post("/api/v1/runs", json={"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                                                "params": {"fast": 5, "slow": 20}, "cash": "1000"}).get_json()
    assert created["state"] == {"state": "created", "reason": None, "message": None,
                                "can_stop": False, "can_start": True}  # nothing to stop yet
    queued = client.post(f"/api/v1/runs/{created['id']}/start").get_json()["state"]
    assert queued["state"] == "queued" and queued["can_stop"] and not queued["can_start"]
    cancelled = client.post(f"/api/v1/runs/{created['id']}/stop", json={}).get_json()["state"]
    assert cancelled == {"state": "stopped", "reason": "user", "message": None, "can_stop": False, "can_start": True}


def test_a_stop_of_a_run_stopped_already_says_so_in_words_not_the_state_machines(client: FlaskClient,
                                                                                pg: Container) -> None:
    """Trial 23: a second stop read "a paper run cannot go to stopping from there (allowed: error, stopped)"."""
    paper = running(pg)
    move(pg, paper, "stopping")
    move(pg, paper, "stopped")
    again = client.post(f"/api/v1/runs/{paper}/stop", json={})
    assert again.status_code == 409 and again.get_json()["message"] == (
        f"run {paper} is stopped already and holds nothing: there is nothing to stop")
    closing = client.post(f"/api/v1/runs/{paper}/stop", json={"close_positions": True})
    assert closing.status_code == 409 and closing.get_json()["message"] == (
        f"run {paper} is stopped already and holds nothing: there is nothing to stop or close")
    backtest = running(pg, mode="backtest")
    move(pg, backtest, "completed")
    done = client.post(f"/api/v1/runs/{backtest}/stop", json={})
    assert done.status_code == 409 and done.get_json()["message"] == (
        f"run {backtest} is completed already: there is nothing to cancel")
