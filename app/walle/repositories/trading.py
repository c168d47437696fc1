"""Orders, fills, positions, trades, equity points and metrics of one run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Float, Select, cast, delete, func, select
from sqlalchemy.orm import Session

from app.walle.models import EquityPoint, Fill, Order, Position, RunMetric, Trade

RESULT_TABLES = (Fill, Order, Trade, EquityPoint, RunMetric, Position)


class EquityColumns(NamedTuple):
    """A stored equity curve as arrays: epoch ns, and the values asked for as float dollars (a point with no
    benchmark or cash takes its equity); a value not asked for is None."""

    ts: np.ndarray
    equity: np.ndarray | None
    benchmark: np.ndarray | None
    cash: np.ndarray | None


EQUITY_VALUES = ("equity", "benchmark", "cash")
# Postgres: the points as binary int8 and float8 straight from the driver, not a Row and a datetime per
# point (a walk-forward's completion reads every fold's curve: they were a twentieth of its time). Each
# value costs the server a cast per point, so only those asked for are read (a million points: 0.9 s
# with the equity alone, 1.4-2 s with all three).
_PG_VALUES = {"equity": "equity::float8", "benchmark": "coalesce(benchmark, equity)::float8",
              "cash": "coalesce(cash, equity)::float8"}
_ORM_VALUES = {"equity": lambda: EquityPoint.equity,
               "benchmark": lambda: func.coalesce(EquityPoint.benchmark, EquityPoint.equity),
               "cash": lambda: func.coalesce(EquityPoint.cash, EquityPoint.equity)}


class RunRecords:
    """Read and replace the records a run produced, always scoped by run id (run isolation)."""

    def __init__(self, session: Session):
        self.session = session

    def page(self, model: Any, run_id: str, *, order_by: Any, limit: int, offset: int,
             descending: bool = False) -> tuple[list[Any], int]:
        query: Select[Any] = select(model).where(model.run_id == run_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        keys = [key.desc() for key in order_by] if descending else list(order_by)
        rows = self.session.scalars(query.order_by(*keys).limit(limit).offset(offset)).all()
        return list(rows), total

    def orders(self, run_id: str, *, limit: int = 100, offset: int = 0,
               descending: bool = False) -> tuple[list[Order], int]:
        return self.page(Order, run_id, order_by=(Order.submitted_at, Order.id), limit=limit, offset=offset,
                         descending=descending)

    def fills(self, run_id: str, *, limit: int = 100, offset: int = 0,
              descending: bool = False) -> tuple[list[Fill], int]:
        return self.page(Fill, run_id, order_by=(Fill.ts, Fill.id), limit=limit, offset=offset,
                         descending=descending)

    def trades(self, run_id: str, *, limit: int = 100, offset: int = 0,
               descending: bool = False) -> tuple[list[Trade], int]:
        return self.page(Trade, run_id, order_by=(Trade.exit_ts, Trade.id), limit=limit, offset=offset,
                         descending=descending)

    def positions(self, run_id: str) -> list[Position]:
        query = select(Position).where(Position.run_id == run_id).order_by(Position.symbol)
        return list(self.session.scalars(query))

    def equity(self, run_id: str) -> list[EquityPoint]:
        query = select(EquityPoint).where(EquityPoint.run_id == run_id).order_by(EquityPoint.ts)
        return list(self.session.scalars(query))

    def equity_at(self, run_id: str, stamps: Sequence[datetime]) -> list[EquityPoint]:
        """The run's points at these times (a downsampled curve's), in time order."""
        query = select(EquityPoint).where(EquityPoint.run_id == run_id, EquityPoint.ts.in_(list(stamps)))
        return list(self.session.scalars(query.order_by(EquityPoint.ts)))

    def equity_columns(self, run_id: str, first: datetime | None = None, last: datetime | None = None, *,
                       values: Sequence[str] = EQUITY_VALUES) -> EquityColumns:
        """The run's curve, or its points from `first` to `last` (inclusive), as arrays in time order: the
        times and the `values` asked for (of EQUITY_VALUES)."""
        if self.session.get_bind().dialect.name == "postgresql":
            bounds = [(clause, at) for clause, at in (("ts >= %s", first), ("ts <= %s", last)) if at is not None]
            sql = (f"SELECT (extract(epoch FROM ts) * 1000000)::int8, {', '.join(_PG_VALUES[v] for v in values)} "
                   f"FROM equity_points WHERE {' AND '.join(['run_id = %s', *(c for c, _ in bounds)])} ORDER BY ts")
            connection = self.session.connection().connection.driver_connection  # type: ignore[union-attr]
            with connection.cursor(binary=True) as cursor:
                cursor.execute(sql, [run_id, *(bound for _, bound in bounds)])
                rows = cursor.fetchall()
            table = np.array(rows, dtype=np.float64).reshape(len(rows), 1 + len(values))  # (µs: exact in a float64)
            ts, columns = table[:, 0].astype(np.int64) * 1000, [table[:, k].copy() for k in range(1, 1 + len(values))]
        else:
            query = select(EquityPoint.ts, *(cast(_ORM_VALUES[v](), Float) for v in values)).where(
                EquityPoint.run_id == run_id,
                *([EquityPoint.ts >= first] if first is not None else []),
                *([EquityPoint.ts <= last] if last is not None else []))
            points = self.session.execute(query.order_by(EquityPoint.ts)).all()
            ts = np.array([_micros(p[0]) * 1000 for p in points], dtype=np.int64)
            columns = [np.array([p[k] for p in points], dtype=np.float64) for k in range(1, 1 + len(values))]
        found = dict(zip(values, columns, strict=True))
        return EquityColumns(ts, *(found.get(name) for name in EQUITY_VALUES))

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


def _micros(moment: datetime) -> int:
    """A datetime as epoch microseconds, exactly (a naive one means UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - datetime(1970, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


OPEN_ORDER_STATUSES = ("submitted", "accepted", "new", "partially_filled", "pending_new", "held", "pending_cancel")
