"""The identity chain of the current unit of work (request, actor message, tick).

GLaDOS sets it per request from the correlation id header; actors set it from the message; events
emitted meanwhile inherit it, so one user action can be followed across processes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Correlation:
    corr_id: str
    trace_id: str
    causation_id: str | None = None


_current: ContextVar[Correlation | None] = ContextVar("weaver_correlation", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def current() -> Correlation:
    """The active correlation, or a fresh one for work that started on its own (a timer, a CLI)."""
    found = _current.get()
    if found is None:
        corr = new_id()
        found = Correlation(corr_id=corr, trace_id=corr)
        _current.set(found)
    return found


@contextmanager
def correlated(
    corr_id: str | None = None, trace_id: str | None = None, causation_id: str | None = None
) -> Iterator[Correlation]:
    corr = corr_id or new_id()
    token = _current.set(Correlation(corr_id=corr, trace_id=trace_id or corr, causation_id=causation_id))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
