"""The composition root: settings in, wired infrastructure out. Nothing connects at import time."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.events.notifier import LocalNotifier, PostgresNotifier
from app.events.outbox import NOTIFIER_KEY, OutboxWriter, install_session_hooks
from app.walle.db import make_engine, make_session_factory
from app.walle.uow import UnitOfWork


@dataclass
class Container:
    """Long-lived infrastructure of one process; per-run objects are made by the services."""

    settings: Settings
    engine: Engine
    read_engine: Engine
    session_factory: sessionmaker[Session]
    read_session_factory: sessionmaker[Session]
    notifier: LocalNotifier
    extras: dict[str, object] = field(default_factory=dict)

    def uow(self) -> UnitOfWork:
        """A unit of work whose commits also store the events it emitted (transactional outbox)."""
        return UnitOfWork(self.session_factory, OutboxWriter, {NOTIFIER_KEY: self.notifier})

    def read_session(self) -> Session:
        """A session for queries only (on SQLite it never takes the write lock)."""
        return self.read_session_factory()

    def close(self) -> None:
        self.notifier.stop()
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def bootstrap(settings: Settings, *, listen: bool = True) -> Container:
    """Wire the database, the outbox hooks and the notifier for one process."""
    install_session_hooks()
    engine = make_engine(settings.database_url)
    read_engine = make_engine(settings.database_url, sqlite_immediate=False) if settings.is_sqlite else engine
    notifier: LocalNotifier = LocalNotifier() if settings.is_sqlite else PostgresNotifier(settings.database_url)
    if listen:
        notifier.start()
    return Container(
        settings=settings,
        engine=engine,
        read_engine=read_engine,
        session_factory=make_session_factory(engine),
        read_session_factory=make_session_factory(read_engine),
        notifier=notifier,
    )
