"""The Dramatiq queues, and which of them a worker started with `weaver worker --queues NAME` consumes."""

from __future__ import annotations

from collections.abc import Iterable

QUEUES = ("backtest", "backtest_cells", "live")
# What `weaver worker --queues NAME` consumes. A sweep's or walk-forward's cells go to `backtest_cells`,
# whose actor ranks below the backtest queue's: a worker takes a waiting single backtest before the
# next message of cells, so a backtest posted behind a 20,000-cell walk-forward waits for the
# message in hand, not for the whole walk-forward.
SERVES = {"backtest": ("backtest", "backtest_cells"), "live": ("live",)}


def consumed(names: Iterable[str]) -> set[str]:
    """The Dramatiq queues behind the queue names a user gives `weaver worker --queues`."""
    return {queue for name in names for queue in SERVES[name]}


def served(queues: Iterable[str]) -> list[str]:
    """The user's queue names for the Dramatiq queues a worker consumes (what its heartbeat says)."""
    queues = set(queues)
    return sorted(name for name, behind in SERVES.items() if queues & set(behind))
