"""Read committed events strictly in `seq` order, optionally for one run.

Commands (`command.*`) share the outbox but are not events anyone watches: readers get events only,
unless they ask for the commands (the relay does).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.events.commands import PREFIX
from app.events.envelope import Event
from app.walle.models import OutboxEvent


def read_events(
    session: Session,
    after_seq: int = 0,
    *,
    run_id: str | None = None,
    types: Sequence[str] | None = None,
    limit: int = 1000,
    commands: bool = False,
    newest_first: bool = False,
) -> list[Event]:
    """`newest_first`: the newest `limit` events after `after_seq`, newest first (a log's latest page)."""
    order = OutboxEvent.seq.desc() if newest_first else OutboxEvent.seq
    query = select(OutboxEvent).where(OutboxEvent.seq > after_seq).order_by(order).limit(limit)
    is_command = OutboxEvent.type.startswith(PREFIX, autoescape=True)
    query = query.where(is_command if commands else ~is_command)
    if run_id is not None:
        query = query.where(OutboxEvent.run_id == run_id)
    if types:
        query = query.where(OutboxEvent.type.in_(list(types)))
    return [to_event(row) for row in session.scalars(query)]


def last_seq(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0))) or 0


def to_event(row: OutboxEvent) -> Event:
    return Event(
        id=row.id,
        seq=row.seq,
        type=row.type,
        run_id=row.run_id,
        corr_id=row.corr_id,
        causation_id=row.causation_id,
        trace_id=row.trace_id,
        ts=row.ts,
        payload=dict(row.payload),
    )
