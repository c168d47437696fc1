"""`weaver worker`, the Procfile's and compose's command, SIGKILLed one worker process at a time: the
supervisor stays up and starts a replacement; what the dead process held is redelivered once its
broker heartbeat is stale; every backtest completes exactly once, and a live tick in flight ends in
one order, the live queue never served by two processes."""

from __future__ import annotations

import json
import os
import re
import signal
from datetime import datetime
from typing import Any

import redis
from alpaca.trading.requests import GetOrdersRequest

from app.bootstrap import Container
from app.events.commands import TickLive
from app.exchange import ExchangeServer
from app.walle.models import LiveTick
from tests.integration.api.conftest import store_daily_bars
from tests.integration.live.conftest import PAPER, exchange, last_closed_bar, running_run, trading_client
from tests.integration.workers.conftest import Stack, WorkerProcesses, spawn_workers, wait_for
from tests.integration.workers.test_backtests import create, status
from tests.integration.workers.test_live_worker import _orders, _paper_account
from tests.process_tree import alive, children_of

__all__ = ["exchange"]  # the live tests' local exchange fixture

READY = re.compile(r"worker process (\d+) ready for action: .* broker id (\S+)")
BARS, EVERY = 1500, 10

# Fast failure detection: a process is dead after 3 s without a heartbeat, maintenance runs on
# every broker command, and a run is taken over 3 s after its last progress report.
FAST_HEALING = {"WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS": "3000", "WEAVER_QUEUE_MAINTENANCE_CHANCE": "1000000",
                "WEAVER_BACKTEST_STALE_SECONDS": "3"}


def ready_processes(group: WorkerProcesses) -> dict[int, str]:
    """Worker processes that said they were ready, pid -> broker id, from the group's log."""
    return {int(pid): broker_id for pid, broker_id in READY.findall(group.log_path.read_text(errors="replace"))}


def serving(group: WorkerProcesses, count: int) -> dict[int, str]:
    """The supervisor's `count` live children once each has booted (pid -> broker id), else {}."""
    pids, ready = children_of(group.process.pid), ready_processes(group)
    return {pid: ready[pid] for pid in pids} if len(pids) == count and all(p in ready for p in pids) else {}


def holder_of(stack: Stack, run_id: str, broker_ids: dict[int, str]) -> int | None:
    """The worker process whose unacknowledged messages (Redis `__acks__.<broker id>.backtest`) hold the run's."""
    client = redis.Redis.from_url(stack.services.settings.redis_url or "")
    for pid, broker_id in broker_ids.items():
        for message_id in client.smembers(f"{stack.namespace}:__acks__.{broker_id}.backtest"):
            data = client.hget(f"{stack.namespace}:backtest.msgs", message_id)
            if data is not None and json.loads(data)["args"][0].get("run_id") == run_id:
                return pid
    return None


def records(stack: Stack, run_id: str) -> dict[str, Any]:
    get = stack.client.get
    return {
        "run": get(f"/api/v1/runs/{run_id}").get_json(),
        "equity": get(f"/api/v1/runs/{run_id}/equity").get_json(),
        "trades": get(f"/api/v1/runs/{run_id}/trades?per_page=1000").get_json(),
        "statuses": [e["payload"]["status"] for e in get(f"/api/v1/runs/{run_id}/events").get_json()
                     if e["type"].startswith("run.")],
    }


def test_a_killed_backtest_process_is_replaced_and_its_runs_complete_exactly_once(
    stack: Stack, pg: Container, monkeypatch
) -> None:
    store_daily_bars(pg, "AAPL", days=BARS)
    for name, value in FAST_HEALING.items():
        monkeypatch.setenv(name, value)
    group = spawn_workers(pg, stack, processes=2, weaver=True)
    try:
        before = wait_for(lambda: serving(group, 2), 40, "two booted worker processes", every=0.2)
        spec = {"strategy": "tests.fixtures.strategies:SlowSwing", "params": {"pause": 0.003, "every": EVERY},
                "start_now": True}
        runs = [create(stack, **spec)["id"] for _ in range(2)]  # one in flight, the other in flight or prefetched
        wait_for(lambda: stack.client.get(f"/api/v1/runs/{runs[0]}").get_json()["progress"] > 0.1, 30, "progress")
        victim = holder_of(stack, runs[0], before)
        assert victim is not None, group.log()
        os.kill(victim, signal.SIGKILL)  # one worker process, not the group

        after = wait_for(lambda: (s := serving(group, 2)) and victim not in s and s, 30, "a replacement", every=0.2)
        assert group.process.poll() is None, "the supervisor stays up"
        assert set(before) - {victim} < set(after)  # the survivor kept working beside the newcomer
        wait_for(lambda: all(status(stack, r) == "completed" for r in runs), 45, "both runs to complete", every=0.5)
        assert children_of(group.process.pid) == sorted(after), "no other process died"
    except AssertionError:
        print(group.log())
        raise
    finally:
        group.stop()
    assert not alive(victim)

    for run_id in runs:
        found = records(stack, run_id)
        assert found["run"]["status"] == "completed"
        assert found["run"]["metrics"]["bars"] == BARS
        stamps = [point["ts"] for point in found["equity"]]
        assert len(stamps) == len(set(stamps)) == BARS  # every bar once
        assert found["trades"]["total"] == BARS // EVERY // 2  # one round trip per buy-then-close
        assert found["statuses"].count("completed") == 1
    killed = records(stack, runs[0])
    # Taken over: running, back to queued when the dead process's heartbeat went stale, running again.
    assert killed["statuses"] == ["created", "queued", "running", "queued", "running", "completed"]
    assert killed["run"]["metrics"] == records(stack, runs[1])["run"]["metrics"]  # same run, same result


def tick_status(pg: Container, run_id: str, bar: datetime) -> str | None:
    with pg.read_session() as session:
        tick = session.get(LiveTick, (run_id, bar))
        return tick.status if tick is not None else None


def test_a_killed_live_process_is_replaced_alone_and_its_tick_in_flight_ends_in_one_order(
    stack: Stack, pg: Container, exchange: ExchangeServer, monkeypatch
) -> None:
    for name, value in FAST_HEALING.items():
        monkeypatch.setenv(name, value)
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 1})
    # The exchange takes the first order 1 s after it arrives; the process is killed while it waits.
    slow_submit = exchange.add_fault(method="POST", path="/v2/orders", delay_ms=1000, count=1)
    group = spawn_workers(pg, stack, processes=1, queues="live", extra_env=_paper_account(exchange), weaver=True)
    try:
        (victim,) = wait_for(lambda: serving(group, 1), 40, "the live worker process", every=0.2)
        bar = last_closed_bar()
        stack.queue.send(TickLive(run_id, bar.isoformat()))
        wait_for(lambda: slow_submit.count == 0, 30, "the order to reach the exchange", every=0.02)
        assert [o.status for o in _orders(pg, run_id)] == ["submitted"]
        os.kill(victim, signal.SIGKILL)

        def replaced() -> dict[int, str]:
            assert len(children_of(group.process.pid)) <= 1, "never two live processes"
            found = serving(group, 1)
            return found if victim not in found else {}

        wait_for(replaced, 30, "a replacement", every=0.1)
        assert group.process.poll() is None, "the supervisor stays up"
        # The new process reconciles the order at boot; the dead one's message comes back and ends the tick.
        wait_for(lambda: [o.status for o in _orders(pg, run_id)] == ["filled"], 30, "reconciliation", every=0.5)
        wait_for(lambda: tick_status(pg, run_id, bar) in ("done", "skipped"), 30, "the tick in flight", every=0.5)
        later = wait_for(lambda: (b := last_closed_bar()) > bar and b, 5, "a later bar")
        stack.queue.send(TickLive(run_id, later.isoformat()))  # the run goes on in the new process
        wait_for(lambda: [o.status for o in _orders(pg, run_id)] == ["filled", "filled"], 30, "the next order")
    except AssertionError:
        print(group.log())
        raise
    finally:
        group.stop()
    assert not alive(victim)
    assert tick_status(pg, run_id, later) == "done"
    ours = sorted(o.client_order_id for o in _orders(pg, run_id))
    theirs = sorted(o.client_order_id for o in trading_client(exchange, PAPER).get_orders(
        GetOrdersRequest(status="all")))
    assert theirs == ours  # one order for the bar in flight, one for the next: none twice
