"""Runs (one backtest, paper or live strategy instance) and the sweeps that group backtests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, EagerId, new_id, utcnow
from app.walle.types import Money, UTCDateTime


class Sweep(EagerId, Base):
    """A grid of parameter values for one strategy; each cell is a backtest run. The request stores
    the sweep `creating` with its cell count; a worker then creates every cell in one transaction
    (status `running`), or marks it `failed` with the reason in `error`."""

    __tablename__ = "sweeps"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(200))
    grid: Mapped[dict[str, Any]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # fixed parameters of every cell
    total: Mapped[int | None] = mapped_column(Integer)  # valid cells (None: a sweep from before 0004)
    skipped: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # cells with invalid parameters
    error: Mapped[str | None] = mapped_column(Text)
    # The walk-forward whose fold this sweep optimises (its train window), and which fold (0013). No foreign
    # key: adding one on SQLite rebuilds `sweeps`, and dropping the old table deleted every cell (ON DELETE CASCADE).
    walkforward_id: Mapped[str | None] = mapped_column(String(36), index=True)
    fold: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# A run outside any sweep and walk-forward: the dashboard's top level (`cells=hide`; migrations 0011, 0017).
TOP_LEVEL = text("sweep_id IS NULL AND walkforward_id IS NULL")


class Run(EagerId, Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_status_created", "status", "created_at"),
        Index("ix_runs_mode_created", "mode", "created_at"),
        # Keyset pages of the runs list (app/walle/repositories/run_pages.py): per sort key, one index
        # read backwards for descending order, one with `created_at DESC` for ascending order.
        Index("ix_runs_created_at", "created_at"),
        Index("ix_runs_status_created_desc", "status", text("created_at DESC")),
        Index("ix_runs_mode_created_desc", "mode", text("created_at DESC")),
        Index("ix_runs_strategy_created", "strategy", "created_at"),
        Index("ix_runs_strategy_created_desc", "strategy", text("created_at DESC")),
        Index("ix_runs_label_created", text("coalesce(name, strategy)"), "created_at"),
        Index("ix_runs_label_created_desc", text("coalesce(name, strategy)"), text("created_at DESC")),
        Index("ix_runs_symbols_created", text("CAST(symbols AS VARCHAR)"), "created_at"),
        Index("ix_runs_symbols_created_desc", text("CAST(symbols AS VARCHAR)"), text("created_at DESC")),
        # The dashboard's top level (`cells=hide`): the same, for runs outside any sweep or walk-forward only,
        # so a page seeks past none of the cells sweeps have added (migration 0011; 0017 left out walk-forwards'
        # out-of-sample and contrast runs).
        *(Index(f"ix_runs_top_{name}", *columns, postgresql_where=TOP_LEVEL, sqlite_where=TOP_LEVEL)
          for name, columns in (
              ("created", ("created_at", "id")),
              ("id", ("id",)),  # a metric sort's join probes it: a cell is a miss, not a heap read
              ("status_created", ("status", "created_at")),
              ("status_created_desc", ("status", text("created_at DESC"))),
              ("mode_created", ("mode", "created_at")),
              ("mode_created_desc", ("mode", text("created_at DESC"))),
              ("strategy_created", ("strategy", "created_at")),
              ("strategy_created_desc", ("strategy", text("created_at DESC"))),
              ("label_created", (text("coalesce(name, strategy)"), "created_at")),
              ("label_created_desc", (text("coalesce(name, strategy)"), text("created_at DESC"))),
              ("symbols_created", (text("CAST(symbols AS VARCHAR)"), "created_at")),
              ("symbols_created_desc", (text("CAST(symbols AS VARCHAR)"), text("created_at DESC"))),
          )),
        # A walk-forward's runs (0017): its few among all runs, for the key's ON DELETE CASCADE among others.
        Index("ix_runs_walkforward_id", "walkforward_id", postgresql_where=text("walkforward_id IS NOT NULL"),
              sqlite_where=text("walkforward_id IS NOT NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    mode: Mapped[str] = mapped_column(String(10))  # backtest | paper | live
    name: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(200), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    symbols: Mapped[list[str]] = mapped_column(JSON)
    timeframe: Mapped[str] = mapped_column(String(10))
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cash: Mapped[Decimal] = mapped_column(Money())
    fees: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    slippage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # fractional, shorting, risk
    status: Mapped[str] = mapped_column(String(20), default="created")
    error: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    sweep_id: Mapped[str | None] = mapped_column(ForeignKey("sweeps.id", ondelete="CASCADE"), index=True)
    # The walk-forward whose out-of-sample or contrast run this is (app/services/walkforwards.py sets it when
    # it creates the run; never changed): folded under it as a cell under its sweep (migration 0017). Its cells
    # name it through their sweep (sweeps.walkforward_id), not here.
    walkforward_id: Mapped[str | None] = mapped_column(ForeignKey("walkforwards.id", ondelete="CASCADE"))
    corr_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Refreshed by the worker executing a backtest; a redelivered message takes over a run whose
    # heartbeat went stale (its worker died), and leaves alone one that is still beating.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The run's metrics as the runs list sends them (JSON text), kept by triggers on run_metrics (0009,
    # Postgres; NULL: none, and always on SQLite). Not loaded with a Run: only the list reads it.
    metrics_json: Mapped[str | None] = mapped_column(Text, deferred=True)
    # The run's runs-list item as JSON text (metrics included), kept by a trigger on runs (0015, Postgres;
    # NULL on SQLite). Not loaded with a Run: only the list reads it.
    list_json: Mapped[str | None] = mapped_column(Text, deferred=True)


# a metric of a run outside any sweep and walk-forward (migrations 0012, 0017)
METRIC_TOP_LEVEL = text("run_sweep_id IS NULL AND run_walkforward_id IS NULL")


class RunMetric(Base):
    """One named figure of a finished run (return, Sharpe, …); a table so sweeps can sort by any."""

    __tablename__ = "run_metrics"
    __table_args__ = (  # sorting runs by a metric, ties newest first (migration 0007)
        Index("ix_run_metrics_sort", "name", "value", "run_created_at", "run_id"),
        Index("ix_run_metrics_sort_desc", "name", "value", text("run_created_at DESC"), text("run_id DESC")),
        # a run's metrics read from the index alone, for each item of the runs list (migration 0008)
        Index("ix_run_metrics_run_values", "run_id", postgresql_include=["name", "value"]),
        # the same sorts for top-level runs only (`cells=hide`), seeking past no cell (migrations 0012, 0017)
        Index("ix_run_metrics_top_sort", "name", "value", "run_created_at", "run_id",
              postgresql_where=METRIC_TOP_LEVEL, sqlite_where=METRIC_TOP_LEVEL),
        Index("ix_run_metrics_top_sort_desc", "name", "value", text("run_created_at DESC"), text("run_id DESC"),
              postgresql_where=METRIC_TOP_LEVEL, sqlite_where=METRIC_TOP_LEVEL),
    )

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    # The run's created_at, copied by a database trigger on insert (0007): the tie-break of a metric sort.
    run_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The run's sweep_id, copied by the same trigger (0012): the partial indexes' condition for `cells=hide`.
    run_sweep_id: Mapped[str | None] = mapped_column(String(36))
    # The run's walkforward_id, copied by the same trigger (0017): the same indexes' condition with run_sweep_id.
    run_walkforward_id: Mapped[str | None] = mapped_column(String(36))
