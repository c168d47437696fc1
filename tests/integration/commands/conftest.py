"""The worker side of a deployment on the real Redis (its own namespace): the command relay (the
scheduler's job) and backtest and live workers as threads of this process, all on the test database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import dramatiq
import pytest
import redis
from sqlalchemy import func, select

from app.bootstrap import Container, Services, build_services
from app.config import Settings
from app.events.commands import Command, issue
from app.events.consumer import read_offset
from app.events.reader import read_events
from app.veda.alpaca import RetryPolicy
from app.walle.models import ConsumerOffset, ProcessedEvent
from workers import runtime as worker_runtime
from workers.queues import consumed


@dataclass
class WorkerSide:
    services: Services
    namespace: str
    workers: list[dramatiq.Worker]

    def start_workers(self) -> None:
        worker = dramatiq.Worker(self.services.queue.broker, queues=consumed(["backtest", "live"]), worker_threads=1,
                                 worker_timeout=100)
        worker.start()
        self.workers.append(worker)

    def rewind_relay(self) -> None:
        """What a relay that died before saving its offset finds: every command still to hand over."""
        with self.services.container.session_factory() as session, session.begin():
            session.execute(ConsumerOffset.__table__.delete())

    @property
    def offset(self) -> int:
        return read_offset(self.services.container.session_factory, self.services.relay.name)


def make_worker_side(pg: Container, settings: Settings, redis_url: str) -> Iterator[WorkerSide]:
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    services = build_services(settings, container=pg, namespace=namespace)
    for adapter in services.live.brokers.values():  # fast retries: the exchange answers in microseconds
        adapter.policy = RetryPolicy(attempts=5, first_wait=0.01, max_wait=0.05, budget_seconds=2)
    worker_runtime.install(services)
    side = WorkerSide(services, namespace, [])
    try:
        yield side
    finally:
        services.relay.stop()
        for worker in side.workers:
            worker.stop(timeout=10_000)
        worker_runtime.install(None)
        services.close()
        client = redis.Redis.from_url(redis_url)
        keys = client.keys(f"{namespace}*")
        if keys:
            client.delete(*keys)


@pytest.fixture
def worker_side(pg: Container, redis_url: str) -> Iterator[WorkerSide]:
    yield from make_worker_side(pg, pg.settings, redis_url)


def record(pg: Container, *commands: Command) -> list[str]:
    """Write commands to the outbox as a service would (their ids back)."""
    with pg.uow() as uow:
        ids = [issue(uow.outbox, command).id for command in commands]
        uow.commit()
    return ids


def event_types(pg: Container, run_id: str | None = None) -> list[str]:
    with pg.read_session() as session:
        return [e.type for e in read_events(session, 0, run_id=run_id, limit=100_000)]


def processed(pg: Container) -> int:
    with pg.read_session() as session:
        return session.scalar(select(func.count()).select_from(ProcessedEvent)) or 0
