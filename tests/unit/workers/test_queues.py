"""Sweep and walk-forward cells have a queue of their own, ranked below single backtests, and
`weaver worker --queues backtest` serves both; a worker's heartbeat names the queue the user gave."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker

from app.events.commands import COMMANDS, CreateSweepCells, StartBacktest, StartBacktests
from workers import actors
from workers.queues import QUEUES, consumed, served


def test_cells_go_to_their_own_queue_and_single_backtests_and_sweep_creation_to_the_backtest_queue() -> None:
    assert StartBacktests.queue == "backtest_cells"
    assert StartBacktest.queue == CreateSweepCells.queue == "backtest"
    assert {command.queue for command in COMMANDS.values()} <= set(QUEUES)


def test_a_worker_takes_a_waiting_backtest_before_the_next_message_of_cells() -> None:
    declared = actors.declare_actors(StubBroker())
    assert set(declared) == set(QUEUES)
    assert {name: actor.queue_name for name, actor in declared.items()} == {q: q for q in QUEUES}
    assert declared["backtest"].priority < declared["backtest_cells"].priority  # Dramatiq runs the lowest first
    assert declared["live"].priority == declared["backtest"].priority == 0


def test_the_backtest_workers_consume_both_backtest_queues_and_say_backtest() -> None:
    assert consumed(["backtest"]) == {"backtest", "backtest_cells"}
    assert consumed(["live"]) == {"live"}
    assert consumed(["backtest", "live"]) == set(QUEUES)
    assert served(consumed(["backtest"])) == ["backtest"]
    assert served(consumed(["backtest", "live"])) == ["backtest", "live"]
    with pytest.raises(KeyError):
        consumed(["nightly"])


def test_a_busy_cells_message_is_sent_again_to_the_cells_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = actors.declare_actors(StubBroker())
    sent: list[tuple[str, dict[str, Any], int]] = []
    monkeypatch.setattr(actors, "handle", lambda message: "busy")  # another worker holds the run
    monkeypatch.setattr(actors, "runtime", lambda: SimpleNamespace(backtests=SimpleNamespace(
        stale_after=timedelta(seconds=1))))
    for name in ("backtest", "backtest_cells"):
        actor = declared[name]
        monkeypatch.setattr(actor, "send_with_options",
                            lambda *, args, delay, name=name: sent.append((name, args[0], delay)))
        actor.fn({"type": "StartBacktests", "n": name})
    assert sent == [("backtest", {"type": "StartBacktests", "n": "backtest"}, 2000),
                    ("backtest_cells", {"type": "StartBacktests", "n": "backtest_cells"}, 2000)]
