"""A paper run records the code it started with, and what compares its records with code of another day says
so: the drift report, and a run its worker rebuilt (trial 27: after an edit and a restart, a drift report read
"they asked differently: limit 409.97 live, 409.93 in the backtest" with no word of the change)."""

from __future__ import annotations

from datetime import timedelta

from app.bootstrap import Container
from app.marvin.code_digest import loaded_digest
from app.marvin.registry import get_strategy
from app.services.drift import _code_notes
from tests.integration.live.conftest import running_run
from tests.integration.live.test_resume import events, tick_bars
from workers.runtime import Runtime

STRATEGY = "tests.fixtures.strategies:BuyEveryBar"
OTHER = "0123456789ab"  # the digest of code the run did not start with


def test_the_code_a_run_started_with_is_kept_and_other_code_is_named(pg: Container, live_runtime: Runtime) -> None:
    run_id = running_run(pg, strategy=STRATEGY, params={})
    live_runtime.live.handle("start", run_id)
    with pg.uow() as uow:
        run = uow.runs.get(run_id)
        assert run.options["strategy_digest"] == loaded_digest(get_strategy(STRATEGY))
        assert _code_notes(run) == []  # the same code: nothing to say
        run.options = {**run.options, "strategy_digest": OTHER}
        uow.commit()
    with pg.uow() as uow:
        assert _code_notes(uow.runs.get(run_id)) == [
            "The strategy's code (strategies.py) is not the code the run started with: the backtest replays the code "
            "as it is now, so rows may differ because of the change, not the market."]

    first = tick_bars(1, [(live_runtime, run_id)])
    live_runtime.live.desk.forget(run_id)  # as after a restart: the next tick rebuilds the strategy
    tick_bars(1, [(live_runtime, run_id)], first=first[0] + timedelta(seconds=1))
    (resumed,) = events(pg, run_id, "run.resumed")
    assert resumed["code_changed"] == ("the strategy's code (strategies.py) is not the code the run started with: "
                                       "its bars were replayed with the code as it is now, and it trades on with it")
