"""What a paper or live run recorded as it traded, read back for its page: its fills in booking order
and the bars its worker saw (live_bars), always scoped by run id."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.walle.models import Fill
from app.walle.models.live import LiveBar


class LiveRecords:
    def __init__(self, session: Session):
        self.session = session

    def fill_rows(self, run_id: str) -> list[tuple[str, str, Decimal, Decimal, Decimal, datetime, Decimal, str]]:
        """(symbol, side, qty, price, fee, ts, fee_qty, order_id) oldest first, as the live worker books them."""
        query = (select(Fill.symbol, Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.ts, Fill.fee_qty, Fill.order_id)
                 .where(Fill.run_id == run_id).order_by(Fill.ts, Fill.id))
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def fill_rows_of(self, run_ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
        """`fill_rows` of several runs in one query (a live bar's runs that traded), by run."""
        query = (select(Fill.run_id, Fill.symbol, Fill.side, Fill.qty, Fill.price, Fill.fee, Fill.ts, Fill.fee_qty,
                        Fill.order_id)
                 .where(Fill.run_id.in_(run_ids)).order_by(Fill.run_id, Fill.ts, Fill.id))
        out: dict[str, list[tuple[Any, ...]]] = {run_id: [] for run_id in run_ids}
        for run_id, *row in self.session.execute(query):
            out[run_id].append(tuple(row))
        return out

    def bar_times(self, run_id: str, symbol: str) -> list[datetime]:
        query = (select(LiveBar.ts).where(LiveBar.run_id == run_id, LiveBar.symbol == symbol)
                 .order_by(LiveBar.ts))
        return list(self.session.scalars(query))

    def bars(self, run_id: str, symbol: str, start: datetime | None, end: datetime | None,
             limit: int) -> list[Any]:
        """The run's recorded bars of `symbol` in [start, end], the latest `limit` of them, oldest first."""
        query = select(LiveBar).where(LiveBar.run_id == run_id, LiveBar.symbol == symbol)
        if start is not None:
            query = query.where(LiveBar.ts >= start)
        if end is not None:
            query = query.where(LiveBar.ts <= end)
        rows = list(self.session.scalars(query.order_by(LiveBar.ts.desc()).limit(limit)))
        return rows[::-1]
