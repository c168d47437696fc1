"""The outbox writer: events become rows in the same transaction as the change they describe.

On Postgres each writing transaction first takes a transaction-scoped advisory lock, so `seq`
values are handed out in commit order and a reader that has seen seq N can never later find a
committed N-1 (nothing committed is ever skipped). `pg_notify` is queued in the same transaction,
so listeners are woken only when it commits. SQLite serialises writers itself; there an
in-process notifier is signalled after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from psycopg.types.json import Jsonb
from sqlalchemy import event as sa_event
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from app.events import context
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
_PENDING = "weaver_outbox_pending"
NOTIFIER_KEY = "weaver_notifier"


class OutboxWriter:
    """Appends validated events to the outbox through the caller's session (never commits)."""

    def __init__(self, session: Session, registry: EventRegistry | None = None):
        self.session = session
        self.registry = registry or default_registry()
        self._batch: list[Event] | None = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write the events emitted inside the block as one insert when it ends (a hot path that
        emits several events per transaction); events emitted inside get no `seq` back."""
        if self._batch is not None:  # already batching: the outer block writes them
            yield
            return
        self._batch = []
        try:
            yield
            events = self._batch
        finally:
            self._batch = None
        self.append_many(events)

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
        self._before_first_write()
        if self.session.get_bind().dialect.name == "postgresql":
            seqs = self._insert_pipelined(rows)
        else:
            statement = insert(OutboxEvent).returning(OutboxEvent.seq, sort_by_parameter_order=True)
            seqs = list(self.session.execute(statement, rows).scalars())
        return [e.with_seq(seq) for e, seq in zip(events, seqs, strict=True)]

    def _insert_pipelined(self, rows: list[dict[str, object]]) -> list[int]:
        # One fixed statement over arrays (unnest): one round trip per batch, and its text never
        # changes with the batch size, so it is prepared once. Arrays go in binary (%b), which
        # skips psycopg's per-element text quoting.
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        columns = [[r[c] for r in rows] for c in _COLUMNS[:-1]]
        payloads = [Jsonb(r["payload"]) for r in rows]
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

    def _before_first_write(self) -> None:
        if self.session.info.get(_PENDING):
            return
        if self.session.get_bind().dialect.name == "postgresql":
            # One round trip: the lock and the notify (delivered at commit) are both transaction-scoped.
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key), pg_notify(:channel, '')"),
                                 {"key": _OUTBOX_LOCK_KEY, "channel": CHANNEL})
        self.session.info[_PENDING] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_PENDING, False):
        notifier = session.info.get(NOTIFIER_KEY)
        if notifier is not None:
            notifier.notify()


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def install_session_hooks() -> None:
    """Signal the in-process notifier after a commit that wrote events (idempotent)."""
    if not sa_event.contains(Session, "after_commit", _after_commit):
        sa_event.listen(Session, "after_commit", _after_commit)
        sa_event.listen(Session, "after_soft_rollback", lambda s, _tx: _after_rollback(s))
