"""What Weaver knows about a tradable symbol: its asset class and the increments its orders keep."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import Price, Quantity, UTCDateTime

ASSET_CLASSES = ("us_equity", "crypto", "other")


class InstrumentRow(Base):
    """One symbol's asset class and increments, from the broker's asset list, `bars fetch`, an
    import or the user. An increment of None means none applies (prices or sizes as they come)."""

    __tablename__ = "instruments"

    symbol: Mapped[str] = mapped_column(String(32), primary_key=True)
    asset_class: Mapped[str] = mapped_column(String(16))  # ASSET_CLASSES
    price_increment: Mapped[Decimal | None] = mapped_column(Price())
    qty_increment: Mapped[Decimal | None] = mapped_column(Quantity())
    source: Mapped[str] = mapped_column(String(32))  # alpaca | csv | user | …
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
