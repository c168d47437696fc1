"""Durable outbox consumers: offsets for progress, processed event ids for dedupe.

Delivery is at-least-once. Each event is handled in its own transaction together with a row in
`processed_events`; the offset is advanced afterwards. A crash between the two redelivers the
event, and the processed row makes the redelivery a no-op.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.events.envelope import Event
from app.events.reader import read_events
from app.walle.models import ConsumerOffset, ProcessedEvent

Handler = Callable[[Event, Session], None]


class OffsetConsumer:
    def __init__(self, name: str, session_factory: sessionmaker[Session], handler: Handler):
        self.name = name
        self.session_factory = session_factory
        self.handler = handler

    def offset(self) -> int:
        return read_offset(self.session_factory, self.name)

    def poll(self, limit: int = 100, run_id: str | None = None) -> int:
        """Handle the next batch after the stored offset; return how many events were new."""
        with self.session_factory() as session:
            batch = read_events(session, self.offset(), run_id=run_id, limit=limit)
        handled = sum(1 for event in batch if self._handle_once(event))
        if batch:
            self._advance(batch[-1].seq or 0)
        return handled

    def _handle_once(self, event: Event) -> bool:
        with self.session_factory() as session, session.begin():
            seen = session.scalar(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.consumer == self.name, ProcessedEvent.event_id == event.id
                )
            )
            if seen is not None:
                return False
            self.handler(event, session)
            session.add(ProcessedEvent(consumer=self.name, event_id=event.id))
        return True

    def _advance(self, seq: int) -> None:
        advance_offset(self.session_factory, self.name, seq)


def read_offset(session_factory: sessionmaker[Session], name: str) -> int:
    with session_factory() as session:
        row = session.get(ConsumerOffset, name)
        return row.last_seq if row else 0


def advance_offset(session_factory: sessionmaker[Session], name: str, seq: int) -> None:
    """Move the consumer's offset forward to `seq` (never backward: a slower twin cannot rewind it)."""
    with session_factory() as session, session.begin():
        row = session.get(ConsumerOffset, name, with_for_update=True)
        if row is None:
            session.add(ConsumerOffset(consumer=name, last_seq=seq))
        elif seq > row.last_seq:
            row.last_seq = seq
