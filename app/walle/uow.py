"""The unit of work owns one session: repositories share it, `commit()` makes it all durable at once.

The outbox writer is injected by the composition root (walle does not import the events module),
so every business change and the events describing it are committed together.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.walle.repositories import BarRepository, InstrumentRepository, RunRecords, RunRepository, SweepRepository

log = logging.getLogger(__name__)
_open = threading.local()  # units of work open in this thread
STRICT = False  # the test suite sets it: nesting is then an error on Postgres too


class NestedUnitOfWork(RuntimeError):
    """A unit of work was opened while another was open in the same thread. On SQLite (the embedded
    default) each one takes the database's write lock, so the inner one would wait for the outer
    one forever (until busy_timeout: "database is locked"); on Postgres they would be two separate
    transactions that cannot see each other's changes. Pass the open one down instead."""


class UnitOfWork:
    session: Session
    runs: RunRepository
    sweeps: SweepRepository
    records: RunRecords
    bars: BarRepository
    instruments: InstrumentRepository
    outbox: Any

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        outbox_factory: Callable[[Session], Any] | None = None,
        session_info: dict[str, Any] | None = None,
    ):
        self._session_factory = session_factory
        self._outbox_factory = outbox_factory
        self._session_info = session_info or {}

    def __enter__(self) -> UnitOfWork:
        depth = getattr(_open, "depth", 0)
        if depth:
            bind = self._session_factory.kw.get("bind")
            if STRICT or (bind is not None and bind.dialect.name == "sqlite"):
                raise NestedUnitOfWork("a unit of work is already open in this thread")
            log.warning("nested unit of work (works on Postgres, would deadlock on SQLite)", stack_info=True)
        _open.depth = depth + 1
        try:
            self.session = self._session_factory()
        except BaseException:
            _open.depth = depth
            raise
        self.session.info.update(self._session_info)
        self.runs = RunRepository(self.session)
        self.sweeps = SweepRepository(self.session)
        self.records = RunRecords(self.session)
        self.bars = BarRepository(self.session)
        self.instruments = InstrumentRepository(self.session)
        self.outbox = self._outbox_factory(self.session) if self._outbox_factory else None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()  # anything not committed explicitly is discarded
        finally:
            _open.depth = max(getattr(_open, "depth", 1) - 1, 0)
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
