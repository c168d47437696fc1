"""A paper run stopped and started again keeps the time it first started (trial 30: the restart moved "started"
past its first trades, and Compare's "window traded" with it); a backtest run again is timed anew."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.services.runs import transition
from tests.integration.foundation.factories import make_run

FIRST = datetime(2026, 12, 7, 13, 32, 36, tzinfo=UTC)


def started_again(lite: Container, mode: str) -> tuple[datetime | None, datetime | None]:
    with lite.uow() as uow:
        run = uow.runs.add(make_run(mode=mode, timeframe="1Min", symbols=["ZZZ"], cash=Decimal("100000"),
                                    strategy="sma_cross", params={}))
        transition(uow, run, "queued" if mode == "backtest" else "running", at=FIRST)
        if mode == "backtest":
            transition(uow, run, "running", at=FIRST)
            transition(uow, run, "failed", error="worker died", at=FIRST + timedelta(minutes=1))
            transition(uow, run, "queued", at=FIRST + timedelta(minutes=9))
        else:
            transition(uow, run, "stopped", at=FIRST + timedelta(minutes=5))
        transition(uow, run, "running", at=FIRST + timedelta(minutes=10))
        uow.commit()
        return run.started_at, run.finished_at


def test_a_paper_run_started_again_keeps_its_first_start(lite: Container) -> None:
    started, finished = started_again(lite, "paper")
    assert started == FIRST
    assert finished is None  # running again: not finished


def test_a_backtest_run_again_is_timed_from_its_new_start(lite: Container) -> None:
    started, _ = started_again(lite, "backtest")
    assert started == FIRST + timedelta(minutes=10)
