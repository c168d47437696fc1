"""The composition root: settings in, wired infrastructure and services out. Nothing connects at
import time, and nothing is built before a process asks for it (a web process never builds Veda,
a worker process builds its database engine after the fork)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.clock.system import Clock, SystemClock
from app.config import Settings
from app.events.notifier import LocalNotifier, PostgresNotifier
from app.events.outbox import NOTIFIER_KEY, OutboxWriter, install_session_hooks
from app.marvin import registry
from app.walle.db import make_engine, make_session_factory
from app.walle.uow import UnitOfWork

if TYPE_CHECKING:
    from app.events.relay import CommandRelay
    from app.notifications.service import NotificationService
    from app.observability.broker_contacts import BrokerContacts
    from app.services.backtests import BacktestService
    from app.services.bars import BarService
    from app.services.commands import CommandHandlers
    from app.services.live_control import LiveControl
    from app.services.runs import RunService
    from app.services.sweeps import SweepService
    from app.services.walkforwards import WalkforwardService
    from app.veda.alpaca import AlpacaBroker
    from app.veda.service import LiveService
    from workers.bus import DramatiqQueue


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

    @cached_property
    def pages_engine(self) -> Engine:
        """The runs list's engine: on Postgres a pool of its own (app/walle/repositories/run_pages.py)."""
        if self.settings.is_sqlite:
            return self.read_engine
        from app.walle.repositories.run_pages import page_engine

        return page_engine(self.settings.database_url)

    def close(self) -> None:
        self.notifier.stop()
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
        pages = self.__dict__.get("pages_engine")  # only if it was built
        if pages is not None and pages is not self.read_engine:
            pages.dispose()


def bootstrap(settings: Settings, *, listen: bool = True) -> Container:
    """Wire the database, the outbox hooks and the notifier for one process."""
    install_session_hooks()
    registry.configure_sources(settings.strategy_paths)
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


class Services:
    """Every service of one process, each built once, on first use. Any attribute may be given as
    an override (tests: a container on the test database, a queue in its own namespace, a fake)."""

    def __init__(self, settings: Settings, *, listen: bool = True, namespace: str | None = None,
                 **overrides: Any):
        unknown = [name for name in overrides if not isinstance(getattr(type(self), name, None), cached_property)]
        if unknown:
            raise TypeError(f"unknown service override(s): {', '.join(unknown)}")
        self.settings = settings
        registry.configure_sources(settings.strategy_paths)  # before any request or message names a strategy
        self.listen = listen
        self.namespace = namespace  # the Dramatiq queue namespace (tests isolate theirs)
        self._given = set(overrides)
        self.__dict__.update(overrides)  # a cached_property reads the instance dict first

    # --- infrastructure ---------------------------------------------------------------------
    @cached_property
    def container(self) -> Container:
        return bootstrap(self.settings, listen=self.listen)

    @cached_property
    def clock(self) -> Clock:
        return SystemClock()

    def uow(self) -> UnitOfWork:
        return self.container.uow()

    @cached_property
    def brokers(self) -> dict[str, AlpacaBroker]:
        """The Alpaca adapter per configured credential set ("paper", "live")."""
        from app.observability.broker_contacts import watch_sessions
        from app.veda.alpaca import AlpacaBroker

        return {kind: watch_sessions(AlpacaBroker(creds), kind, self.broker_contacts)
                for kind in ("paper", "live") if (creds := self.settings.alpaca(kind))}

    @cached_property
    def broker_contacts(self) -> BrokerContacts:
        """What this process last saw of each broker account (the live worker's heartbeat carries it)."""
        from app.observability.broker_contacts import BrokerContacts

        return BrokerContacts()

    @cached_property
    def queue(self) -> DramatiqQueue:
        from workers.bus import build_queue

        return build_queue(self.settings, namespace=self.namespace,
                           live_info=lambda: {"broker": self.broker_contacts.snapshot()})

    @cached_property
    def relay(self) -> CommandRelay:
        """Outbox commands to the queue: started by the scheduler process and standalone only."""
        from app.events.relay import CommandRelay

        return CommandRelay(self.container.session_factory, self.queue.deliver, self.container.notifier)

    @cached_property
    def notifications(self) -> NotificationService:
        """The WEAVER_NOTIFY_URLS channels; their followers run in the scheduler process and standalone only."""
        from app.notifications.channels import channels_of
        from app.notifications.service import NotificationService

        c = self.container
        return NotificationService(channels_of(self.settings.notify_urls), c.session_factory, c.read_session,
                                   c.uow, c.notifier)

    # --- use cases --------------------------------------------------------------------------
    @cached_property
    def runs(self) -> RunService:
        from app.services.runs import RunService

        settings = self.settings
        return RunService(
            self.uow, live_accounts=lambda kind: settings.alpaca(kind) is not None,  # type: ignore[arg-type]
            is_real_alpaca=lambda kind: "alpaca.markets" in (
                getattr(settings.alpaca(kind), "base_url", "") or ""),  # type: ignore[arg-type]
            clock=self.clock,
        )

    @cached_property
    def sweeps(self) -> SweepService:
        from app.services.sweeps import SweepService

        return SweepService(self.uow, self.runs)

    @cached_property
    def walkforwards(self) -> WalkforwardService:
        from app.services.walkforwards import WalkforwardService

        return WalkforwardService(self.uow, self.runs)

    @cached_property
    def live_control(self) -> LiveControl:
        from app.services.live_control import LiveControl

        def broker(kind: str) -> str | None:
            credentials = self.settings.alpaca(kind)  # type: ignore[arg-type]
            if credentials is None:
                return None
            return "alpaca" if "alpaca.markets" in (credentials.base_url or "") else "other"

        return LiveControl(self.uow, lambda kind: self.settings.alpaca(kind) is not None,  # type: ignore[arg-type]
                           broker=broker)

    @cached_property
    def bars(self) -> BarService:
        from app.services.bars import BarService

        return BarService(self.uow)

    @cached_property
    def backtests(self) -> BacktestService:
        from app.services.backtests import BacktestService

        return BacktestService(self.uow, self.container.read_session,
                               stale_after=timedelta(seconds=self.settings.backtest_stale_seconds))

    @cached_property
    def live(self) -> LiveService:
        from app.veda.service import LiveService

        return LiveService(self.uow, self.brokers, self.clock)  # type: ignore[arg-type]

    @cached_property
    def commands(self) -> CommandHandlers:
        """What a worker does with each command (one handler map, idempotent)."""
        from app.services.commands import CommandHandlers

        return CommandHandlers(self.uow, lambda: self.backtests, lambda: self.live, lambda: self.sweeps)

    def close(self) -> None:
        """Stop what this bundle started; a container or queue passed in belongs to the caller."""
        built = self.__dict__
        if "relay" in built and "relay" not in self._given:
            built["relay"].stop()
        if "notifications" in built and "notifications" not in self._given:
            built["notifications"].stop()
        if "queue" in built and "queue" not in self._given:
            built["queue"].close()
        if "container" in built and "container" not in self._given:
            built["container"].close()


def build_services(settings: Settings, **overrides: Any) -> Services:
    """The services of one process (see Services for the overrides)."""
    return Services(settings, **overrides)
