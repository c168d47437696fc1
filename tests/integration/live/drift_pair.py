"""A stopped 1Sec paper run with its recorded bars, and a completed backtest to compare it with (the drift tests)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Container as Members
from datetime import datetime

from app.veda.recording import write_bars
from app.walle.models import Run
from app.walle.uow import UnitOfWork
from tests.integration.foundation.factories import make_run


def run_and_backtest(uow: UnitOfWork, at: Callable[[float], datetime], seconds: int, price: float,
                     not_traded: Members[int]) -> tuple[Run, Run]:
    """The paper run's bars are the seconds `at(0)`..`at(seconds - 1)` at `price`; those in `not_traded` (its
    warm-up, and the bars it was down for) are recorded as history only."""
    run = uow.runs.add(make_run(mode="paper", timeframe="1Sec", status="stopped"))
    backtest = uow.runs.add(make_run(mode="backtest", timeframe="1Sec", status="completed"))
    uow.session.flush()
    write_bars(uow, [{"run_id": run.id, "symbol": "AAPL", "ts": at(s), "open": price, "high": price, "low": price,
                      "close": price, "volume": 1, "warmup": s in not_traded} for s in range(seconds)])
    return run, backtest
