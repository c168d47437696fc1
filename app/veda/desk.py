"""What the live worker keeps between commands: its ports (units of work, brokers, clock), each
running strategy with its history (a RunContext), the session calendars and the marking state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.veda.alpaca import BrokerError
from app.veda.bar_cache import BarCache
from app.veda.fee_feed import FeeFeed
from app.veda.gateway import LiveGateway
from app.veda.marking import Marking
from app.veda.ports import Broker, Clock
from app.veda.reconcile import reconcile_account
from app.veda.resume import RunContext, resume_run
from app.veda.sessions import SessionCalendar
from app.walle.uow import UnitOfWork


class Desk:
    def __init__(self, uow: Callable[[], UnitOfWork], brokers: dict[str, Broker], clock: Clock):
        self.uow = uow
        self.brokers = brokers  # "paper" / "live" → the adapter for that credential set
        self.clock = clock
        self.contexts: dict[str, RunContext] = {}
        self.why_forgotten: dict[str, str] = {}  # run → why its strategy is rebuilt (its run.resumed says it)
        self.reconciled: set[str] = set()
        self.calendars: dict[str, SessionCalendar] = {}
        self.marking = Marking()
        self.bars = BarCache()
        self.fee_feeds: dict[str, FeeFeed] = {}  # mode → where its account's crypto fees were read to

    def fees(self, mode: str) -> FeeFeed:
        feed = self.fee_feeds.get(mode)
        if feed is None:
            feed = self.fee_feeds[mode] = FeeFeed(mode)
        return feed

    def calendar(self, mode: str, broker: Broker) -> SessionCalendar:
        calendar = self.calendars.get(mode)
        if calendar is None or calendar.broker is not broker:
            calendar = self.calendars[mode] = SessionCalendar(broker)
        return calendar

    def broker(self, mode: str) -> Broker:
        """The adapter for `mode`, reconciled with Weaver's records on first use (its own unit of
        work: call it with none open)."""
        broker = self.brokers.get(mode)
        if broker is None:
            raise BrokerError(f"no {mode} Alpaca account is configured")
        if mode not in self.reconciled:
            with self.uow() as uow:
                reconcile_account(uow, broker, mode, self.clock)
                uow.commit()
            self.reconciled.add(mode)
        return broker

    def context(self, run_id: str, broker: Broker, bar_ts: datetime) -> RunContext:
        """The run's strategy: kept in memory, else new on its first tick, else rebuilt by replaying
        what it recorded."""
        context = self.contexts.get(run_id)
        if context is None:
            context = self.contexts[run_id] = resume_run(self.uow, broker, run_id, bar_ts, self.clock,
                                                         reason=self.why_forgotten.pop(run_id, None))
        return context

    def gateway(self, run_id: str, broker: Broker) -> LiveGateway:
        context = self.contexts.get(run_id)
        return context.gateway if context is not None else LiveGateway(self.uow, broker, run_id, self.clock)

    def forget(self, run_id: str, reason: str | None = None) -> None:
        """Drop the run's strategy from memory: its next tick rebuilds it, and `reason` says why."""
        self.contexts.pop(run_id, None)
        self.marking.forget(run_id)
        if reason is not None:
            self.why_forgotten[run_id] = reason

    def forget_all(self) -> None:
        self.contexts.clear()
        self.marking.curves.clear()
