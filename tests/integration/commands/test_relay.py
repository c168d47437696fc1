"""Commands go through the outbox: written with the state change they belong to, handed to Dramatiq
(real Redis) by the relay after its consumer offset, handled once even when delivered twice."""

from __future__ import annotations

import json

import pytest
import redis

from app.bootstrap import Container
from app.events.commands import KillSwitch, StartBacktest, StopRun, TickLive, issue
from app.events.reader import read_events
from app.services.errors import NotFound
from app.services.runs import RunService, transition
from app.services.specs import RunCreate
from app.walle.models import Run
from tests.integration.api.conftest import issued, store_daily_bars
from tests.integration.commands.conftest import WorkerSide, event_types, processed, record
from tests.integration.foundation.factories import make_run
from tests.integration.workers.conftest import wait_for


class Boom(Exception):
    pass


def test_a_command_commits_with_its_state_change_and_rolls_back_with_it(pg: Container) -> None:
    with pytest.raises(Boom), pg.uow() as uow:
        run = uow.runs.add(make_run(mode="backtest", status="created"))
        transition(uow, run, "queued")
        issue(uow.outbox, StartBacktest(run.id))
        uow.session.flush()
        raise Boom  # the request fails after the change was written, before the commit
    with pg.read_session() as session:
        assert session.get(Run, run.id) is None
    assert issued(pg) == []

    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running"))
        uow.commit()
    runs = RunService(pg.uow)
    with pytest.raises(NotFound):
        runs.stop("no-such-run")
    assert issued(pg) == []
    runs.stop(run.id)
    assert issued(pg) == [StopRun(run.id, cancel_orders=True)]  # a stop cancels the open orders by default
    assert event_types(pg, run.id) == ["run.stopping"]  # commands never show among the events (SSE)


def test_the_relay_hands_each_command_over_once_and_advances_its_offset(
    pg: Container, worker_side: WorkerSide, redis_url: str
) -> None:
    relay = worker_side.services.relay
    ids = record(pg, StartBacktest("run-1"), TickLive("run-2", "2026-01-05T15:30:00+00:00"), KillSwitch())
    with pg.uow() as uow:  # events after the last command: the offset moves past them too
        uow.outbox.emit("bars.imported", {"symbol": "AAPL", "timeframe": "1Day", "rows": 1, "source": "test"})
        uow.commit()
    assert relay.poll() == 3
    with pg.read_session() as session:
        newest = read_events(session, 0)[-1].seq
    assert worker_side.offset == newest
    assert relay.poll() == 0  # nothing new: nothing handed over again
    client = redis.Redis.from_url(redis_url)
    queued = [json.loads(raw)["args"][0] for queue in ("backtest", "live")
              for raw in client.hgetall(f"{worker_side.namespace}:{queue}.msgs").values()]
    assert sorted(m["id"] for m in queued) == sorted(ids)
    assert {m["type"]: m["payload"] for m in queued} == {
        "command.start_backtest": {"run_id": "run-1"},
        "command.tick_live": {"run_id": "run-2", "bar_ts": "2026-01-05T15:30:00+00:00"},
        "command.kill_switch": {},
    }


def test_a_relay_that_crashed_before_saving_its_offset_redelivers_and_nothing_happens_twice(
    pg: Container, worker_side: WorkerSide, redis_url: str
) -> None:
    store_daily_bars(pg, "AAPL", days=120)
    run = worker_side.services.runs.create(_backtest())
    record(pg, KillSwitch())
    worker_side.start_workers()
    relay = worker_side.services.relay
    assert relay.poll() == 2
    wait_for(lambda: "run.completed" in event_types(pg, run.id), 20, "the backtest")
    wait_for(lambda: "kill.activated" in event_types(pg), 10, "the kill switch")
    assert processed(pg) == 2

    worker_side.rewind_relay()
    assert relay.poll() == 2  # both handed over again
    unacked = redis.Redis.from_url(redis_url)
    wait_for(lambda: not any(unacked.hlen(f"{worker_side.namespace}:{q}.msgs") for q in ("backtest", "live")), 10,
             "the workers to finish the redelivered commands")  # a message leaves the hash when acked
    assert [t for t in event_types(pg, run.id) if t.startswith("run.")] == [
        "run.created", "run.queued", "run.started", "run.completed"]
    assert event_types(pg).count("kill.activated") == 1
    assert processed(pg) == 2


def _backtest() -> RunCreate:
    return RunCreate(mode="backtest", strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                     params={"fast": 5, "slow": 20}, cash="10000", start_now=True)
