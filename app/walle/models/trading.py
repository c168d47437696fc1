"""Orders, fills, positions and closed trades, each owned by exactly one run."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, EagerId, new_id, utcnow
from app.walle.types import Exact, Money, Price, Quantity, UTCDateTime


class Order(EagerId, Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_run_submitted", "run_id", "submitted_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    client_order_id: Mapped[str] = mapped_column(String(128), unique=True)
    broker_order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(4))
    type: Mapped[str] = mapped_column(String(16))
    order_class: Mapped[str] = mapped_column(String(16), default="simple")
    time_in_force: Mapped[str] = mapped_column(String(8))
    qty: Mapped[Decimal | None] = mapped_column(Quantity())
    notional: Mapped[Decimal | None] = mapped_column(Money())
    percent: Mapped[Decimal | None] = mapped_column(Exact(9, 4))
    limit_price: Mapped[Decimal | None] = mapped_column(Price())
    stop_price: Mapped[Decimal | None] = mapped_column(Price())
    status: Mapped[str] = mapped_column(String(20))
    filled_qty: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    filled_avg_price: Mapped[Decimal | None] = mapped_column(Price())
    reject_reason: Mapped[str | None] = mapped_column(Text)
    bar_ts: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{status, ts}]


class Fill(EagerId, Base):
    __tablename__ = "fills"
    __table_args__ = (Index("ix_fills_run_ts", "run_id", "ts"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    broker_fill_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    symbol: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(4))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    price: Mapped[Decimal] = mapped_column(Price())
    fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))  # in USD; a coin fee at its fill price
    # Coins the broker took as this fill's fee (a crypto buy pays in the coin): the position got qty
    # less these, and `fee` (their value) did not come out of cash.
    fee_qty: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0), server_default="0")
    ts: Mapped[datetime] = mapped_column(UTCDateTime())


class CryptoFee(Base):
    """One of the broker's CFEE activities, booked on the fill it came with (app/veda/fee_booking.py):
    its id makes booking it twice impossible, and the latest one is where the next read starts."""

    __tablename__ = "crypto_fees"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # the activity's id at the broker
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    fill_id: Mapped[str] = mapped_column(ForeignKey("fills.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(8))  # the account: paper or live
    coin: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal(0))
    usd: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    price: Mapped[Decimal | None] = mapped_column(Price())


class Position(EagerId, Base):
    """A run's current holding in one symbol (qty is negative when short)."""

    __tablename__ = "positions"
    __table_args__ = (UniqueConstraint("run_id", "symbol", name="uq_positions_run_symbol"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(32))
    qty: Mapped[Decimal] = mapped_column(Quantity())
    avg_price: Mapped[Decimal] = mapped_column(Price())
    mark_price: Mapped[Decimal | None] = mapped_column(Price())
    realized_pl: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Trade(EagerId, Base):
    """A closed round trip: entry to exit in one symbol."""

    __tablename__ = "trades"
    __table_args__ = (Index("ix_trades_run_exit", "run_id", "exit_ts"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str] = mapped_column(String(5))  # long | short
    qty: Mapped[Decimal] = mapped_column(Quantity())
    entry_ts: Mapped[datetime] = mapped_column(UTCDateTime())
    entry_price: Mapped[Decimal] = mapped_column(Price())
    exit_ts: Mapped[datetime] = mapped_column(UTCDateTime())
    exit_price: Mapped[Decimal] = mapped_column(Price())
    pnl: Mapped[Decimal] = mapped_column(Money())
    return_pct: Mapped[Decimal] = mapped_column(Exact(20, 6))
    fees: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    bars_held: Mapped[int] = mapped_column(Integer)


class EquityPoint(Base):
    __tablename__ = "equity_points"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    equity: Mapped[Decimal] = mapped_column(Money())
    cash: Mapped[Decimal] = mapped_column(Money())
    benchmark: Mapped[Decimal | None] = mapped_column(Money())
