"""The unit of work owns one session: repositories share it, `commit()` makes it all durable at once.

The outbox writer is injected by the composition root (walle does not import the events module),
so every business change and the events describing it are committed together.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.walle.repositories import BarRepository, RunRecords, RunRepository, SweepRepository


class UnitOfWork:
    session: Session
    runs: RunRepository
    sweeps: SweepRepository
    records: RunRecords
    bars: BarRepository
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
        self.session = self._session_factory()
        self.session.info.update(self._session_info)
        self.runs = RunRepository(self.session)
        self.sweeps = SweepRepository(self.session)
        self.records = RunRecords(self.session)
        self.bars = BarRepository(self.session)
        self.outbox = self._outbox_factory(self.session) if self._outbox_factory else None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()  # anything not committed explicitly is discarded
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
