"""A paper run its strategy's error stops has nothing left working at the broker: its open orders are
cancelled and `run.orders_cancelled` (by: error) says so, and what it holds can then be closed (trial 27:
the run's sell limit stayed working, and close-positions, stop and delete each answered 409)."""

from __future__ import annotations

import inspect
import time
from datetime import UTC, datetime, timedelta

from app.bootstrap import Container
from app.exchange import ExchangeServer
from tests.fixtures.strategies import RestThenRaise
from tests.integration.live.conftest import PAPER, booked, last_closed_bar, running_run, trading_client
from tests.integration.live.test_resume import events, tick_bars
from workers.runtime import Runtime


def test_a_run_stopped_by_its_strategys_error_cancels_its_open_orders(
    pg: Container, exchange: ExchangeServer, live_runtime: Runtime, client
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:RestThenRaise", params={"size": 2})
    bars = tick_bars(2, [(live_runtime, run_id)])  # bought 2, then rested a sale of them
    orders, held = booked(pg, run_id)
    assert [(o.side, o.type, o.status) for o in orders] == [("buy", "market", "filled"), ("sell", "limit", "accepted")]
    assert len(trading_client(exchange, PAPER).get_orders()) == 1

    third = bars[-1] + timedelta(seconds=1)
    while datetime.now(UTC) < third + timedelta(seconds=1, milliseconds=150):  # once the bar has closed
        time.sleep(0.02)
    assert live_runtime.live.handle("tick", run_id, bar_ts=third.isoformat()) == "error"  # next() raised
    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    assert run["status"] == "error" and "ValueError: my bug" in run["error"]
    lines, first = inspect.getsourcelines(RestThenRaise.next)  # where, as a backtest of it says (trial 28)
    raised = first + next(i for i, line in enumerate(lines) if "raise ValueError" in line)
    assert run["error"].endswith(f"ValueError: my bug (strategies.py, line {raised})")
    orders, held = booked(pg, run_id)
    assert [(o.side, o.type, o.status) for o in orders] == [("buy", "market", "filled"), ("sell", "limit", "canceled")]
    assert trading_client(exchange, PAPER).get_orders() == []  # nothing left working at the broker
    assert events(pg, run_id, "run.orders_cancelled") == [{"run_id": run_id, "cancel_orders": True, "by": "error",
                                                           "cancelled": [orders[1].client_order_id], "left_open": []}]
    assert held == 2
    closing = client.post(f"/api/v1/runs/{run_id}/close-positions")
    assert closing.status_code == 202, closing.get_json()  # what it holds can be closed now


def test_the_other_runs_of_the_bar_say_why_they_were_rebuilt(pg: Container, live_runtime: Runtime) -> None:
    """Runs decide a bar together; one strategy's error sends each back to decide it alone, their strategies
    rebuilt from their records (trial 27: the others' run.resumed gave no reason, as if a worker had restarted)."""
    failing = running_run(pg, strategy="tests.fixtures.strategies:RestThenRaise", params={"size": 2})
    steady = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={}, symbols=["MSFT"])
    first = last_closed_bar()
    for i in range(3):
        bar = first + timedelta(seconds=i)
        while datetime.now(UTC) < bar + timedelta(seconds=1, milliseconds=150):
            time.sleep(0.02)
        outcomes = live_runtime.live.handle("tick_bar", bar_ts=bar.isoformat(), run_ids=[failing, steady])
    assert outcomes == {failing: "error", steady: "done: 1 order(s)"}
    (resumed,) = events(pg, steady, "run.resumed")
    assert resumed["reason"] == ("the 2 runs trading this bar together met an error (another run's strategy may "
                                 "have raised), so each run decided the bar again alone, its strategy rebuilt "
                                 "from its records")
    assert resumed["mismatches"] == 0
