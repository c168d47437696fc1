"""Walk-forward optimisations: one sweep per fold over its train window, then the best cell out of sample."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.walle.models.base import Base, EagerId, new_id, utcnow
from app.walle.types import UTCDateTime


class Walkforward(EagerId, Base):
    """The spec (strategy, grid, settings, fold spec, objective) and, per fold in `folds`, its windows,
    its sweep's id, the chosen cell and parameters, and the out-of-sample run's id (app/services/walkforwards.py).
    Status: optimising (the sweeps run) → testing (the OOS and contrast runs run) → completed; or failed/cancelled."""

    __tablename__ = "walkforwards"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(200))
    grid: Mapped[dict[str, Any]] = mapped_column(JSON)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    fold_spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    objective: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(4))  # max | min
    min_trades: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="optimising")
    folds: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    skipped_folds: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    # {sweep_id, chosen_run_id, params, run_id, reason}: the whole window optimised, for contrast (NULL: not asked)
    contrast: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {metrics, efficiency, efficiency_reason, oos_annualised_return_pct, is_annualised_return_pct}, once completed
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
