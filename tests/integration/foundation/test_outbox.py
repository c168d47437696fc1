from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.events import Event, InvalidEventPayload, UnknownEventType
from app.events.reader import read_events
from app.walle.models import OutboxEvent, Run
from tests.integration.foundation.factories import make_run


def started(run_id: str) -> Event:
    return Event(type="run.started", payload={"run_id": run_id, "status": "running"}, run_id=run_id)


def test_event_of_a_rolled_back_transaction_is_never_visible(any_db: Container) -> None:
    with any_db.uow() as uow:
        uow.runs.add(make_run())
        uow.outbox.append(started("r-rolled-back"))
        uow.rollback()
    with any_db.uow() as uow:
        uow.outbox.append(started("r-committed"))
        uow.commit()
    with any_db.read_session() as session:
        events = read_events(session, 0)
        assert [e.run_id for e in events] == ["r-committed"]
        assert session.scalars(select(Run)).all() == []


def test_event_is_committed_with_the_business_change_it_describes(any_db: Container) -> None:
    with any_db.uow() as uow:
        run = uow.runs.add(make_run())
        uow.outbox.emit("run.created", {"run_id": run.id, "status": "created"}, run_id=run.id)
        uow.commit()
    with any_db.read_session() as session:
        (event,) = read_events(session, 0)
        assert session.get(Run, event.run_id) is not None
        assert event.corr_id and event.trace_id and event.ts.tzinfo is not None


def test_committed_event_reaches_a_listening_reader_within_100ms(pg: Container) -> None:
    assert pg.notifier.wait_until_listening(5)  # type: ignore[attr-defined]
    seen_version = pg.notifier.version
    delays: list[float] = []
    for attempt in range(20):
        with pg.uow() as uow:
            uow.outbox.append(started(f"r-{attempt}"))
            committed_at = time.perf_counter()
            # commit from another thread's point of view: the notification crosses a real connection
            uow.commit()
        seen_version = pg.notifier.wait(seen_version, timeout=1.0)
        with pg.read_session() as session:
            events = read_events(session, attempt)
        delays.append(time.perf_counter() - committed_at)
        assert [e.run_id for e in events] == [f"r-{attempt}"]
    assert max(delays) < 0.100, f"slowest delivery {max(delays) * 1000:.1f} ms"


def test_listener_is_woken_by_a_commit_in_another_process_connection(pg: Container) -> None:
    from app.bootstrap import bootstrap

    other = bootstrap(pg.settings, listen=False)  # a separate engine: another "process"
    try:
        assert pg.notifier.wait_until_listening(5)  # type: ignore[attr-defined]
        version = pg.notifier.version
        woke = threading.Event()

        def wait() -> None:
            pg.notifier.wait(version, timeout=2.0)
            woke.set()

        waiter = threading.Thread(target=wait)
        waiter.start()
        with other.uow() as uow:
            uow.outbox.append(started("r-elsewhere"))
            start = time.perf_counter()
            uow.commit()
        waiter.join()
        assert woke.is_set() and time.perf_counter() - start < 0.100
    finally:
        other.close()


def test_seq_follows_commit_order_so_readers_never_skip_a_late_commit(pg: Container) -> None:
    first = pg.uow().__enter__()
    first.outbox.append(started("r-first"))  # takes the outbox lock and seq N
    second_done = threading.Event()

    def write_second() -> None:
        with pg.uow() as uow:
            uow.outbox.append(started("r-second"))
            uow.commit()
        second_done.set()

    writer = threading.Thread(target=write_second)
    writer.start()
    assert not second_done.wait(0.3), "a second writer must wait until the first commits"
    with pg.read_session() as session:
        assert read_events(session, 0) == []
    first.commit()
    first.__exit__(None, None, None)
    writer.join(5)
    with pg.read_session() as session:
        events = read_events(session, 0)
    assert [e.run_id for e in events] == ["r-first", "r-second"]
    assert events[0].seq < events[1].seq


def test_reader_returns_events_strictly_by_seq_and_filters_by_run(any_db: Container) -> None:
    with any_db.uow() as uow:
        for index in range(30):
            uow.outbox.append(started("r-a" if index % 3 else "r-b"))
        uow.commit()
    with any_db.read_session() as session:
        everything = read_events(session, 0)
        only_b = read_events(session, 0, run_id="r-b")
        after_ten = read_events(session, everything[9].seq)
    seqs = [e.seq for e in everything]
    assert seqs == sorted(seqs) and len(set(seqs)) == 30
    assert [e.seq for e in only_b] == [e.seq for e in everything if e.run_id == "r-b"]
    assert len(only_b) == 10
    assert after_ten == everything[10:]


def test_unknown_event_type_is_refused(any_db: Container) -> None:
    with any_db.uow() as uow, pytest.raises(UnknownEventType, match="run.exploded"):
        uow.outbox.append(Event(type="run.exploded", payload={}))


def test_bad_payload_is_refused_with_the_field_named(any_db: Container) -> None:
    with any_db.uow() as uow:
        with pytest.raises(InvalidEventPayload, match="progress"):
            uow.outbox.append(
                Event(type="backtest.progress", payload={"run_id": "r", "progress": 1.5, "bars_done": 1,
                                                         "bars_total": 2})
            )
        with pytest.raises(InvalidEventPayload, match="surprise"):
            uow.outbox.append(started("r") .__class__(type="run.started",
                                                        payload={"run_id": "r", "status": "x", "surprise": 1}))
    with any_db.read_session() as session:
        assert session.scalars(select(OutboxEvent)).all() == []


def test_batch_of_events_is_written_in_one_transaction(any_db: Container) -> None:
    with any_db.uow() as uow:
        stored = uow.outbox.append_many(started(f"r-{i}") for i in range(100))
        uow.commit()
    assert [e.seq for e in stored] == sorted(e.seq for e in stored)
    with any_db.read_session() as session:
        assert [e.id for e in read_events(session, 0)] == [e.id for e in stored]
