"""Market bars, stored once and shared by every run (seed: BarRepository is immutable data).

Bars hang off a `bar_series` row (one per symbol and timeframe), so the bars table's key is a small
integer plus a timestamp: cheaper to index and to bulk-load than repeating the symbol text.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, utcnow
from app.walle.types import Price, Quantity, UTCDateTime

# How a series' bars were adjusted for corporate actions: not at all, for splits, or for splits
# and dividends (Alpaca's `adjustment` parameter).
ADJUSTMENTS = ("raw", "split", "all")


class BarSeries(Base):
    """One symbol at one timeframe, and where its bars came from (csv, alpaca, synthetic)."""

    __tablename__ = "bar_series"
    __table_args__ = (UniqueConstraint("symbol", "timeframe", name="uq_bar_series_symbol_timeframe"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    symbol: Mapped[str] = mapped_column(String(32))
    timeframe: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    adjustment: Mapped[str] = mapped_column(String(8), default="raw", server_default="raw")  # ADJUSTMENTS
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Bar(Base):
    __tablename__ = "bars"

    # No foreign key on purpose: Postgres checks one per row through a trigger, which made bulk
    # loads three times slower. Bars are written only by BarRepository, after it made the series.
    series_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)  # bar start, UTC
    open: Mapped[Decimal] = mapped_column(Price())
    high: Mapped[Decimal] = mapped_column(Price())
    low: Mapped[Decimal] = mapped_column(Price())
    close: Mapped[Decimal] = mapped_column(Price())
    volume: Mapped[Decimal] = mapped_column(Quantity())  # crypto volumes are fractional to 1e-9


class BarBlock(Base):
    """Up to 65,536 bars of one series as little-endian byte columns (ts: int64 epoch ns; the rest
    float64): what a backtest reads on Postgres, kept in step with `bars` by BarRepository
    (app/walle/repositories/bar_blocks.py). `block_no` is the block's time slot in the series."""

    __tablename__ = "bar_blocks"

    series_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    block_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_ts: Mapped[datetime] = mapped_column(UTCDateTime())
    last_ts: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer)
    ts: Mapped[bytes] = mapped_column(LargeBinary)
    open: Mapped[bytes] = mapped_column(LargeBinary)
    high: Mapped[bytes] = mapped_column(LargeBinary)
    low: Mapped[bytes] = mapped_column(LargeBinary)
    close: Mapped[bytes] = mapped_column(LargeBinary)
    volume: Mapped[bytes] = mapped_column(LargeBinary)
