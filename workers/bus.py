"""The CommandBus port over Dramatiq: what the API calls to hand work to the workers."""

from __future__ import annotations

import dramatiq

from app.events import context


class DramatiqCommandBus:
    def __init__(self, actors: dict[str, dramatiq.Actor]):
        self.actors = actors

    def run_backtest(self, run_id: str) -> None:
        self.actors["run_backtest"].send(run_id, corr_id=context.current().corr_id)

    def live(self, command: str, run_id: str | None = None, **kwargs: object) -> None:
        self.actors["live"].send(command, run_id, corr_id=context.current().corr_id, **kwargs)
