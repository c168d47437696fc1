"""LiveService: the pinned live worker's one entry point (`live.start|tick|tick_bar|stop|kill|update|refresh`).

A thin facade over the tick (app/veda/tick.py), the marking it ends with (app/veda/marking.py) and
the other commands (app/veda/control.py); what they share between commands is the Desk
(app/veda/desk.py): each running strategy with the bars it has seen, kept in memory between ticks
(a restart rebuilds it by replaying what the run recorded: app/veda/resume.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.clock.system import SystemClock
from app.veda.control import Control
from app.veda.desk import Desk
from app.veda.ports import Broker, Clock
from app.veda.resume import RunContext
from app.veda.tick import Ticker
from app.walle.uow import UnitOfWork


class LiveService:
    def __init__(self, uow: Callable[[], UnitOfWork], brokers: dict[str, Broker], clock: Clock | None = None):
        self.desk = Desk(uow, brokers, clock or SystemClock())
        self.ticker = Ticker(self.desk)
        self.control = Control(self.desk)
        self.handlers: dict[str, Callable[..., Any]] = {
            "start": self.control.start, "tick": self.ticker.tick, "tick_bar": self.ticker.tick_bar,
            "stop": self.control.stop, "close_positions": self.control.close_positions,
            "kill": self.control.kill, "update": self.control.update, "refresh": self.control.refresh,
        }

    def handle(self, command: str, run_id: str | None = None, **kwargs: Any) -> Any:
        """One handler map: the live worker's commands and nothing else (no name lookup on self)."""
        handler = self.handlers.get(command)
        if handler is None:
            raise ValueError(f"unknown live command {command!r}")
        return handler(run_id, **kwargs)

    def reconcile(self) -> dict[str, list[str]]:
        return self.control.reconcile()

    @property
    def brokers(self) -> dict[str, Broker]:
        return self.desk.brokers

    @property
    def contexts(self) -> dict[str, RunContext]:
        return self.desk.contexts
