"""Bookkeeping of the live worker: which bar ticks a run has handled, the bars it saw, its saved state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import Price, Quantity, UTCDateTime


class LiveTick(Base):
    """One (run, bar) tick; its primary key makes a redelivered tick a no-op."""

    __tablename__ = "live_ticks"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    bar_ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="started")  # started | done | skipped
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LiveBar(Base):
    """A bar a live or paper run saw, exactly as its strategy saw it: replay after a restart and the
    drift report use these bars, never a fresh download that could differ. `warmup`: in the history
    the indicators see, but next() did not run on it (the warm-up before the first tick, and bars
    missed while the run was down)."""

    __tablename__ = "live_bars"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)  # bar start, UTC
    open: Mapped[Decimal] = mapped_column(Price())
    high: Mapped[Decimal] = mapped_column(Price())
    low: Mapped[Decimal] = mapped_column(Price())
    close: Mapped[Decimal] = mapped_column(Price())
    volume: Mapped[Decimal] = mapped_column(Quantity())
    warmup: Mapped[bool] = mapped_column(Boolean, default=False)


class LiveState(Base):
    """What a strategy's `on_save()` returned on the run's latest bar: a restart loads it and replays
    only the bars after `bar_ts`."""

    __tablename__ = "live_state"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    bar_ts: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


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
