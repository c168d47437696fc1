"""Orders, fills, positions, trades, equity points and metrics of one run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from app.walle.models import EquityPoint, Fill, Order, Position, RunMetric, Trade

RESULT_TABLES = (Fill, Order, Trade, EquityPoint, RunMetric, Position)


class RunRecords:
    """Read and replace the records a run produced, always scoped by run id (run isolation)."""

    def __init__(self, session: Session):
        self.session = session

    def page(self, model: Any, run_id: str, *, order_by: Any, limit: int, offset: int) -> tuple[list[Any], int]:
        query: Select[Any] = select(model).where(model.run_id == run_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(query.order_by(*order_by).limit(limit).offset(offset)).all()
        return list(rows), total

    def orders(self, run_id: str, *, limit: int = 100, offset: int = 0) -> tuple[list[Order], int]:
        return self.page(Order, run_id, order_by=(Order.submitted_at, Order.id), limit=limit, offset=offset)

    def fills(self, run_id: str, *, limit: int = 100, offset: int = 0) -> tuple[list[Fill], int]:
        return self.page(Fill, run_id, order_by=(Fill.ts, Fill.id), limit=limit, offset=offset)

    def trades(self, run_id: str, *, limit: int = 100, offset: int = 0) -> tuple[list[Trade], int]:
        return self.page(Trade, run_id, order_by=(Trade.exit_ts, Trade.id), limit=limit, offset=offset)

    def positions(self, run_id: str) -> list[Position]:
        query = select(Position).where(Position.run_id == run_id).order_by(Position.symbol)
        return list(self.session.scalars(query))

    def equity(self, run_id: str) -> list[EquityPoint]:
        query = select(EquityPoint).where(EquityPoint.run_id == run_id).order_by(EquityPoint.ts)
        return list(self.session.scalars(query))

    def equity_count(self, run_id: str) -> int:
        return self.session.scalar(select(func.count()).where(EquityPoint.run_id == run_id)) or 0

    def metrics(self, run_id: str) -> dict[str, float | None]:
        rows = self.session.scalars(select(RunMetric).where(RunMetric.run_id == run_id))
        return {m.name: m.value for m in rows}

    def order(self, run_id: str, order_id: str) -> Order | None:
        order = self.session.get(Order, order_id)
        return order if order is not None and order.run_id == run_id else None

    def order_by_client_id(self, client_order_id: str) -> Order | None:
        return self.session.scalar(select(Order).where(Order.client_order_id == client_order_id))

    def open_orders(self, run_ids: Sequence[str] | None = None) -> list[Order]:
        query = select(Order).where(Order.status.in_(OPEN_ORDER_STATUSES))
        if run_ids is not None:
            query = query.where(Order.run_id.in_(list(run_ids)))
        return list(self.session.scalars(query.order_by(Order.submitted_at)))

    def clear(self, run_id: str) -> None:
        """Remove every result row of a run, children first (used before a rerun's bulk write)."""
        for model in RESULT_TABLES:
            self.session.execute(delete(model).where(model.run_id == run_id))


OPEN_ORDER_STATUSES = ("submitted", "accepted", "new", "partially_filled", "pending_new", "held", "pending_cancel")
