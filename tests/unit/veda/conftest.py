"""Veda's tick against the in-memory broker, on SQLite, with a clock the test moves: no HTTP, no
sleeps. One-minute bars of a made-up symbol, every day a trading day."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.bootstrap import Container
from app.services.runs import transition
from app.veda.service import LiveService
from app.walle.models import Run
from tests.fakes.broker import FakeBroker
from tests.fakes.clock import FakeClock
from tests.integration.foundation.factories import make_run

MINUTE = timedelta(minutes=1)
FIRST_BAR = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
SETTLE = timedelta(seconds=1)


@dataclass
class Desk:
    db: Container
    clock: FakeClock
    broker: FakeBroker
    live: LiveService

    def start(self, strategy: str = "tests.fixtures.strategies:BuyEveryBar", **spec: Any) -> str:
        values = {"mode": "paper", "timeframe": "1Min", "symbols": ["ZZZ"], "cash": Decimal("100000"),
                  "strategy": strategy, "params": {}, **spec}
        with self.db.uow() as uow:
            run = uow.runs.add(make_run(**values))
            transition(uow, run, "running")
            uow.commit()
            return run.id

    def tick(self, run_id: str, bar: int) -> str:
        """The tick of the `bar`-th bar after FIRST_BAR, fired at its close plus the settle delay."""
        bar_ts = FIRST_BAR + bar * MINUTE
        self.clock.set(bar_ts + MINUTE + SETTLE)
        return self.live.handle("tick", run_id, bar_ts=bar_ts.isoformat())

    def run(self, run_id: str) -> Run:
        with self.db.read_session() as session:
            run = session.get(Run, run_id)
            assert run is not None
            return run


@pytest.fixture
def desk(lite: Container) -> Iterator[Desk]:
    clock = FakeClock(FIRST_BAR)
    broker = FakeBroker(clock)
    broker.add_bars("ZZZ", FIRST_BAR - 50 * MINUTE, [100.0 + i * 0.25 for i in range(80)], MINUTE)
    yield Desk(lite, clock, broker, LiveService(lite.uow, {"paper": broker}, clock))
