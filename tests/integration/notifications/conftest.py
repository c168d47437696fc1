"""Notification channels on a local webhook (tests/integration/notifications/inbox.py), with quick
backoffs, and the live fixtures (a local exchange, a live worker runtime) for the trading events."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from app.bootstrap import Container
from app.notifications.channels import channels_of
from app.notifications.follower import Backoff
from app.notifications.service import NotificationService
from tests.integration.live.conftest import exchange, live_runtime, settings  # noqa: F401 - fixtures
from tests.integration.notifications.inbox import Inbox

QUICK = Backoff(attempts=3, first_wait=0.05, max_wait=0.2)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    yield box
    box.close()


@pytest.fixture
def notifying(pg: Container) -> Iterator[Callable[..., NotificationService]]:
    """Start the followers of the given channel URLs on the test database (stopped at the end)."""
    started: list[NotificationService] = []

    def start(*urls: str, backoff: Backoff = QUICK) -> NotificationService:
        service = NotificationService(channels_of(urls), pg.session_factory, pg.read_session, pg.uow, pg.notifier,
                                      backoff=backoff)
        service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()
