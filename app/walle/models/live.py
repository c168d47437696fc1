"""Bookkeeping of the live worker: which bar ticks a run has already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import UTCDateTime


class LiveTick(Base):
    """One (run, bar) tick; its primary key makes a redelivered tick a no-op."""

    __tablename__ = "live_ticks"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    bar_ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="started")  # started | done | skipped
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccountSnapshot(Base):
    """The live worker's latest view of one broker account, so the API can show it without making
    a broker call itself (every broker call belongs to the pinned live worker)."""

    __tablename__ = "account_snapshots"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # paper | live
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    account: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    positions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    open_orders: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
