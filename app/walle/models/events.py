"""The transactional outbox and the bookkeeping of its consumers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; Postgres gets a 64-bit identity.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(Base):
    """One immutable event; `seq` is its position in commit order (the SSE id)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_run_seq", "run_id", "seq"),)

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    run_id: Mapped[str | None] = mapped_column(String(36))
    corr_id: Mapped[str | None] = mapped_column(String(64))
    causation_id: Mapped[str | None] = mapped_column(String(64))
    trace_id: Mapped[str | None] = mapped_column(String(64))
    ts: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ConsumerOffset(Base):
    """How far a named consumer has read the outbox."""

    __tablename__ = "consumer_offsets"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProcessedEvent(Base):
    """Event ids a consumer has already handled: written with the handler's effect, so a
    redelivery after a crash (offset not yet advanced) is recognised and skipped."""

    __tablename__ = "processed_events"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
