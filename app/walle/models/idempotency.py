"""Idempotency keys: what a client's `Idempotency-Key` header on a create request was answered with."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import UTCDateTime


class IdempotencyKey(Base):
    """Written in the same transaction as the resource it created, so a retry (or a concurrent twin
    blocked on the primary key) finds the resource; the answer itself is stored right after, so the
    replay is byte-for-byte the first one."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))  # "POST /api/v1/runs"
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the scope and the canonical body
    resource_id: Mapped[str] = mapped_column(String(36))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
