from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy.orm import Session

from app.bootstrap import Container
from app.events import Event
from app.events.consumer import OffsetConsumer


class Crash(Exception):
    """Stands for the process dying."""


def publish(container: Container, count: int, start: int = 0) -> None:
    with container.uow() as uow:
        for index in range(start, start + count):
            uow.outbox.append(Event(type="run.started", payload={"run_id": f"r{index}", "status": "running"},
                                    run_id=f"r{index}"))
        uow.commit()


def test_two_consumers_each_see_every_event_exactly_once_across_a_crash(any_db: Container) -> None:
    publish(any_db, 25)
    seen: dict[str, Counter[str]] = {"mailer": Counter(), "stats": Counter()}

    def recorder(name: str):
        def handle(event: Event, session: Session) -> None:
            seen[name][event.id] += 1
        return handle

    mailer = OffsetConsumer("mailer", any_db.session_factory, recorder("mailer"))
    stats = OffsetConsumer("stats", any_db.session_factory, recorder("stats"))
    assert mailer.poll(limit=10) == 10
    assert stats.poll(limit=100) == 25
    offset_after_ten = mailer.offset()

    # The mailer handles 10 more, then "dies" before it can advance its offset.
    crashing = OffsetConsumer("mailer", any_db.session_factory, recorder("mailer"))
    crashing._advance = lambda seq: (_ for _ in ()).throw(Crash())  # type: ignore[method-assign]
    with pytest.raises(Crash):
        crashing.poll(limit=10)
    assert mailer.offset() == offset_after_ten  # the crash happened before the offset moved
    assert sum(seen["mailer"].values()) == 20

    # Restart: the same 10 are redelivered, recognised by id, and not handled again.
    restarted = OffsetConsumer("mailer", any_db.session_factory, recorder("mailer"))
    assert restarted.poll(limit=100) == 5  # only the 5 never handled are new
    assert restarted.offset() > offset_after_ten

    publish(any_db, 5, start=25)
    assert restarted.poll() == 5 and stats.poll() == 5
    for name in ("mailer", "stats"):
        assert len(seen[name]) == 30, name
        assert set(seen[name].values()) == {1}, f"{name} handled an event twice"


def test_a_failing_handler_leaves_the_event_for_redelivery(any_db: Container) -> None:
    publish(any_db, 3)
    calls: list[str] = []

    def flaky(event: Event, session: Session) -> None:
        calls.append(event.run_id or "")
        if len(calls) == 2:
            raise RuntimeError("downstream unavailable")

    consumer = OffsetConsumer("flaky", any_db.session_factory, flaky)
    with pytest.raises(RuntimeError):
        consumer.poll()
    assert consumer.offset() == 0
    assert consumer.poll() == 2  # r1 (failed before) and r2; r0 was recorded as processed
    assert calls == ["r0", "r1", "r1", "r2"]
