"""Ports the services talk to; adapters live in workers/ (Dramatiq) and app/veda (Alpaca)."""

from __future__ import annotations

from typing import Protocol


class CommandBus(Protocol):
    """Enqueues commands for the worker processes. Messages carry ids only (actors load the rest)."""

    def run_backtest(self, run_id: str) -> None: ...

    def live(self, command: str, run_id: str | None = None, **kwargs: object) -> None:
        """`command` is one of start, tick, stop, kill (queue `live`, one pinned worker)."""
        ...
