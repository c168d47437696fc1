"""The backtest actor handles a message with the cyclic collector paused and switches it back on after,
also when the message fails: a sweep's cells leave no cycle, and collections in the middle of a message
only walked the cells' results again."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from dramatiq.brokers.stub import StubBroker

from workers import actors


@pytest.fixture
def backtest_actor(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, list[bool]]:
    seen: list[bool] = []

    def handle(message: dict[str, Any]) -> str:
        seen.append(gc.isenabled())
        if message.get("boom"):
            raise RuntimeError("boom")
        return "done"

    monkeypatch.setattr(actors, "handle", handle)
    return actors.declare_actors(StubBroker())["backtest"], seen


def test_a_message_runs_with_the_collector_paused_and_leaves_it_on(backtest_actor: tuple[Any, list[bool]]) -> None:
    actor, seen = backtest_actor
    assert gc.isenabled()
    actor.fn({"type": "StartBacktests"})
    assert seen == [False] and gc.isenabled()


def test_a_failing_message_leaves_the_collector_on(backtest_actor: tuple[Any, list[bool]]) -> None:
    actor, seen = backtest_actor
    with pytest.raises(RuntimeError):
        actor.fn({"type": "StartBacktests", "boom": True})
    assert seen == [False] and gc.isenabled()
