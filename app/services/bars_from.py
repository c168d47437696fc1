"""A `weaver backtest` run on a CSV file or synthetic bars keeps where each symbol's bars came from
(`options.bars_from`, app/services/results.py): Weaver does not store those bars, and what it stores under the
same symbol (the standalone's demo AAPL, say) are other prices. Whatever reads a run's bars back (its chart,
its indicators, the random-entry test) asks here first, and says so instead of reading the wrong ones."""

from __future__ import annotations

from app.services.errors import Conflict
from app.walle.models import Run


def unstored(run: Run, symbol: str) -> str | None:
    """Where the run's bars of `symbol` came from when they are not stored ("the file AAPL.csv"), else None."""
    if run.mode != "backtest":
        return None
    return ((run.options or {}).get("bars_from") or {}).get(symbol)


def not_stored(run: Run, symbol: str, source: str) -> str:
    return (f"run {run.id}'s {symbol} bars came from {source}, which Weaver does not store; bars stored under "
            f"{symbol} are other prices. Import the file (`weaver bars import`) and backtest the stored bars to "
            "chart and test them")


def refuse_unstored(run: Run, symbol: str) -> None:
    """409 for a read of a run's bars that Weaver never stored."""
    source = unstored(run, symbol)
    if source is not None:
        raise Conflict(not_stored(run, symbol, source))
