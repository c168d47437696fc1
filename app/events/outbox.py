"""The outbox writer: events become rows in the same transaction as the change they describe.

On Postgres each writing transaction first takes a transaction-scoped advisory lock, so `seq`
values are handed out in commit order and a reader that has seen seq N can never later find a
committed N-1 (nothing committed is ever skipped). `pg_notify` is queued in the same transaction,
so listeners are woken only when it commits; a quiet batch (routine progress) skips it when this
process woke them less than QUIET_SECONDS ago. SQLite serialises writers itself; there an
in-process notifier is signalled after commit.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from psycopg.types.json import Jsonb
from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.events import context
from app.events.commands import is_command
from app.events.envelope import Event
from app.events.registry import EventRegistry, default_registry
from app.walle.models import OutboxEvent

CHANNEL = "weaver_outbox"
_COLUMNS = ("id", "type", "run_id", "corr_id", "causation_id", "trace_id", "ts", "payload")
_PG_INSERT = (
    f"INSERT INTO outbox ({', '.join(_COLUMNS)}) SELECT {', '.join(_COLUMNS)} FROM unnest("
    "%b::text[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[], "
    "%b::timestamptz[], %b::jsonb[]) WITH ORDINALITY AS t(id, type, run_id, corr_id, causation_id, trace_id, ts, "
    "payload, n) ORDER BY n RETURNING seq"
)
_OUTBOX_LOCK_KEY = 0x0757_BA5E  # any constant unique to the outbox
_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_NOTIFY = "SELECT pg_notify(%s, '')"
_PENDING = "weaver_outbox_pending"
_NOTIFIED = "weaver_outbox_notified"
_LOCKED = "weaver_outbox_locked"
NOTIFIER_KEY = "weaver_notifier"
QUIET_SECONDS = 0.25  # a quiet transaction wakes the listeners only if this process woke none for that long
_last_notify = [float("-inf")]  # when this process last sent a NOTIFY (monotonic seconds)


class OutboxWriter:
    """Appends validated events to the outbox through the caller's session (never commits)."""

    def __init__(self, session: Session, registry: EventRegistry | None = None):
        self.session = session
        self.registry = registry or default_registry()
        self._batch: list[Event] | None = None
        self._quiet = False
        self._wake = False

    @contextmanager
    def batch(self, *, quiet: bool = False) -> Iterator[None]:
        """Write the events emitted inside the block as one insert when it ends (a hot path that
        emits several events per transaction); events emitted inside get no `seq` back.

        `quiet`: routine progress (a sweep's cells finish by the dozen each second). Its commit wakes
        the listening processes (the relay, every web process's broadcaster) only if this process
        woke none in the last QUIET_SECONDS, or if something inside asked for it (`wake`). Each wake
        costs every listener a read of the outbox; readers re-read on a timeout anyway, so a quiet
        event reaches them late by that much at most, never lost. A command is never quiet."""
        if self._batch is not None:  # already batching: the outer block writes them
            yield
            return
        self._batch, self._quiet = [], quiet
        try:
            yield
            events, self._batch = self._batch, None
            self.append_many(events)
        finally:
            self._batch, self._quiet = None, False

    def wake(self) -> None:
        """The events of this transaction matter now (a sweep's completion): its commit wakes the
        listeners even in a quiet batch."""
        self._wake = True

    def emit(
        self, type: str, payload: dict[str, object], *, run_id: str | None = None, causation_id: str | None = None
    ) -> Event:
        """Append an event stamped with the current correlation (see app.events.context)."""
        corr = context.current()
        return self.append(
            Event(
                type=type,
                payload=payload,
                run_id=run_id,
                corr_id=corr.corr_id,
                trace_id=corr.trace_id,
                causation_id=causation_id or corr.causation_id,
            )
        )

    def append(self, event: Event) -> Event:
        if self._batch is not None:
            self.registry.validate(event.type, event.payload)  # refused now, not at the end of the block
            self._batch.append(event)
            return event
        return self.append_many([event])[0]

    def append_many(self, events: Iterable[Event]) -> list[Event]:
        events = list(events)
        if not events:
            return []
        rows = [self._row(e) for e in events]
        self.session.info[_PENDING] = True
        if self.session.get_bind().dialect.name == "postgresql":
            seqs = self._insert_pipelined(rows)
        else:
            statement = insert(OutboxEvent).returning(OutboxEvent.seq, sort_by_parameter_order=True)
            seqs = list(self.session.execute(statement, rows).scalars())
        return [e.with_seq(seq) for e, seq in zip(events, seqs, strict=True)]

    def _notifies(self, rows: list[dict[str, object]]) -> bool:
        """Whether this write queues the transaction's NOTIFY (once per transaction)."""
        if self.session.info.get(_NOTIFIED):
            return False
        if self._quiet and not self._wake and time.monotonic() - _last_notify[0] < QUIET_SECONDS \
                and not any(is_command(str(r["type"])) for r in rows):
            return False
        self.session.info[_NOTIFIED] = True
        _last_notify[0] = time.monotonic()
        return True

    def _insert_pipelined(self, rows: list[dict[str, object]]) -> list[int]:
        # One fixed statement over arrays (unnest): its text never changes with the batch size, so it
        # is prepared once. Arrays go in binary (%b), which skips psycopg's per-element text quoting.
        # The transaction's first write sends the lock and the notify (both transaction-scoped: the
        # notify is delivered at commit) in the same pipeline: one round trip either way.
        lock, notify = not self.session.info.get(_LOCKED), self._notifies(rows)
        self.session.info[_LOCKED] = True
        connection = self.session.connection().connection.driver_connection  # type: ignore[union-attr]
        columns = [[r[c] for r in rows] for c in _COLUMNS[:-1]]
        payloads = [Jsonb(r["payload"]) for r in rows]
        cursor = connection.cursor()
        with connection.pipeline():
            if lock:
                connection.execute(_LOCK, (_OUTBOX_LOCK_KEY,), prepare=True)
            if notify:
                connection.execute(_NOTIFY, (CHANNEL,), prepare=True)
            cursor.execute(_PG_INSERT, [*columns, payloads], prepare=True)
        return [row[0] for row in cursor.fetchall()]


    def _row(self, event: Event) -> dict[str, object]:
        if event.ts.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware UTC")
        return {
            "id": event.id,
            "type": event.type,
            "run_id": event.run_id,
            "corr_id": event.corr_id,
            "causation_id": event.causation_id,
            "trace_id": event.trace_id,
            "ts": event.ts,
            "payload": self.registry.validate(event.type, event.payload),
        }

def _after_commit(session: Session) -> None:
    session.info.pop(_NOTIFIED, None)
    session.info.pop(_LOCKED, None)
    if session.info.pop(_PENDING, False):
        notifier = session.info.get(NOTIFIER_KEY)
        if notifier is not None:
            notifier.notify()


def _after_rollback(session: Session) -> None:
    for key in (_PENDING, _NOTIFIED, _LOCKED):
        session.info.pop(key, None)


def install_session_hooks() -> None:
    """Signal the in-process notifier after a commit that wrote events (idempotent)."""
    if not sa_event.contains(Session, "after_commit", _after_commit):
        sa_event.listen(Session, "after_commit", _after_commit)
        sa_event.listen(Session, "after_soft_rollback", lambda s, _tx: _after_rollback(s))
