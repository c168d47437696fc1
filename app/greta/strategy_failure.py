"""An exception raised in a strategy's own code during a backtest, said as a paper run says it: the bar it
failed on and where in the strategy's file (trial 27: a backtest read "the backtest stopped with an internal
error (RuntimeError: boom)", with the file and line only in the server's log, where the paper run of the
same strategy read "the strategy failed on the bar 2026-12-07T10:20:02+00:00: RuntimeError: boom")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.marvin.bars import ns_to_datetime
from app.marvin.failure_place import place_in
from app.marvin.porting_hints import porting_hint


class StrategyFailed(Exception):
    """The strategy's code raised on a bar: the user's to fix, the message says where."""


@contextmanager
def strategy_blamed(strategy: type, bar_ns: Callable[[], int | None]) -> Iterator[None]:
    """An exception the strategy's own code raised in the block becomes a StrategyFailed naming the bar
    (`bar_ns()`: None before any, in init()) and the line; any other goes on as it was."""
    try:
        yield
    except Exception as exc:
        failed = strategy_failure(exc, strategy, bar_ns())
        if failed is None:
            raise
        raise failed from exc


def strategy_failure(exc: BaseException, strategy: type, bar_ns: int | None) -> StrategyFailed | None:
    """A StrategyFailed for `exc` when its traceback passes through the strategy class's file (its deepest
    frame there names the line); None when the strategy's code is not in it (an engine bug stays one).
    `bar_ns`: the bar whose close next() ran on; None: init() (before any bar)."""
    return _failure(exc, strategy, " in init()" if bar_ns is None else
                    f" on the bar {ns_to_datetime(bar_ns).isoformat()}")


def saved_state_failure(exc: BaseException, strategy: type) -> StrategyFailed:
    """on_save() raised, or returned what a live run cannot save (marvin.saved_state): the backtest fails
    as the live run would on its first bar."""
    return _failure(exc, strategy, " in on_save() (a live run saves its state after every bar)") or StrategyFailed(
        f"the strategy failed in on_save() (a live run saves its state after every bar, and would stop on its "
        f"first): {exc}")


def _failure(exc: BaseException, strategy: type, when: str) -> StrategyFailed | None:
    place = place_in(exc, strategy)
    if place is None:
        return None
    return StrategyFailed(f"the strategy failed{when}: {exc.__class__.__name__}: {exc} ({place}){porting_hint(exc)}")
