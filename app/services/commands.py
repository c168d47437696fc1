"""What the workers do with each command: one handler map, idempotent by run state and command id.

A command arrives at least once. Handlers check the run's state (a finished backtest, a tick already
done, a run no longer stopping do nothing); commands whose effect the state cannot tell apart (the
kill switch) also leave a processed-command record, written after the handler succeeded, so a
redelivery is recognised and skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.events.commands import (
    ApplyTradeUpdate,
    ClosePositions,
    Command,
    CreateSweepCells,
    KillSwitch,
    RefreshAccount,
    StartBacktest,
    StartBacktests,
    StartLive,
    StopRun,
    TickBar,
    TickLive,
)
from app.walle.models import ProcessedEvent
from app.walle.uow import UnitOfWork

log = logging.getLogger(__name__)
CONSUMER = "commands"
NOT_DONE = ("busy",)  # outcomes that mean "ask again later": never recorded as processed


class Backtests(Protocol):
    def execute(self, run_id: str) -> str: ...

    def execute_many(self, run_ids: Sequence[str]) -> str: ...


class Sweeps(Protocol):
    def create_cells(self, sweep_id: str, *, run_now: Callable[[Sequence[str]], object] | None = None) -> str: ...


class Live(Protocol):
    def handle(self, command: str, run_id: str | None = None, **kwargs: Any) -> Any: ...


class CommandHandlers:
    def __init__(self, uow: Callable[[], UnitOfWork], backtests: Callable[[], Backtests], live: Callable[[], Live],
                 sweeps: Callable[[], Sweeps]):
        self.uow = uow
        # Services are fetched when a command needs them: a backtest worker never builds Veda.
        self.handlers: dict[type[Command], Callable[[Any], Any]] = {
            StartBacktest: lambda c: backtests().execute(c.run_id),
            StartBacktests: lambda c: backtests().execute_many(c.run_ids),
            CreateSweepCells: lambda c: sweeps().create_cells(c.sweep_id, run_now=backtests().execute_many),
            StartLive: lambda c: live().handle("start", c.run_id),
            TickLive: lambda c: live().handle("tick", c.run_id, bar_ts=c.bar_ts),
            TickBar: lambda c: live().handle("tick_bar", bar_ts=c.bar_ts, run_ids=list(c.run_ids)),
            StopRun: lambda c: live().handle("stop", c.run_id, cancel_orders=c.cancel_orders,
                                                     close_positions=c.close_positions),
            ClosePositions: lambda c: live().handle("close_positions", c.run_id),
            KillSwitch: lambda c: live().handle("kill"),
            RefreshAccount: lambda c: live().handle("refresh", kind=c.kind),
            ApplyTradeUpdate: lambda c: live().handle("update", order=c.order),
        }

    def handle(self, command: Command, command_id: str) -> Any:
        """Run the command's handler unless this command id was handled before; returns its outcome
        (`"duplicate"` for a redelivery)."""
        if command.recorded and self.handled(command_id):
            log.info("command %s (%s) was handled before; skipped", command_id, command.name)
            return "duplicate"
        outcome = self.handlers[type(command)](command)
        if command.recorded and outcome not in NOT_DONE:
            self._record(command_id)
        return outcome

    def handled(self, command_id: str) -> bool:
        with self.uow() as uow:
            return uow.session.scalar(select(ProcessedEvent.event_id).where(
                ProcessedEvent.consumer == CONSUMER, ProcessedEvent.event_id == command_id)) is not None

    def _record(self, command_id: str) -> None:
        with self.uow() as uow:
            uow.session.add(ProcessedEvent(consumer=CONSUMER, event_id=command_id))
            try:
                uow.commit()
            except IntegrityError:  # two deliveries finished at once: one record is enough
                uow.rollback()
