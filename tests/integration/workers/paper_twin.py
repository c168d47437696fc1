"""A paper run that decided and filled exactly as a given backtest did: the drift report of the one
against the other finds every decision identical (what a user comparing with a sweep cell expects)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, select

from app.bootstrap import Container
from app.walle.models import EquityPoint, Fill, Order
from tests.integration.foundation.factories import make_run


def paper_twin(pg: Container, backtest_id: str) -> str:
    with pg.uow() as uow:
        source = uow.runs.get(backtest_id)
        assert source is not None
        paper = uow.runs.add(make_run(mode="paper", status="stopped", strategy=source.strategy,
                                      params=dict(source.params), symbols=list(source.symbols),
                                      timeframe=source.timeframe, cash=source.cash))
        uow.session.flush()

        def twin_id(record_id: str) -> str:
            return str(uuid.uuid5(uuid.UUID(paper.id), record_id))

        def rows(model: type) -> list[dict]:
            found = uow.session.execute(select(model.__table__).where(model.run_id == backtest_id)).mappings()
            return [dict(row) for row in found]

        orders = sorted(rows(Order), key=lambda row: row["parent_id"] is not None)  # parents first
        for row in orders:
            row.update(id=twin_id(row["id"]), run_id=paper.id, client_order_id=f"paper-{row['client_order_id']}",
                       parent_id=row["parent_id"] and twin_id(row["parent_id"]))
        fills = rows(Fill)
        for row in fills:
            row.update(id=twin_id(row["id"]), run_id=paper.id, order_id=twin_id(row["order_id"]))
        equity = [{**row, "run_id": paper.id} for row in rows(EquityPoint)]
        assert orders and fills and equity, "the backtest has no records to copy"
        for model, values in ((Order, orders), (Fill, fills), (EquityPoint, equity)):
            uow.session.execute(insert(model.__table__), values)
        uow.commit()
        return paper.id


def without_client_ids(value: Any) -> Any:
    """A drift report as a user compares two: every field but the client order ids, which name the
    run a backtest's orders belong to."""
    if isinstance(value, dict):
        return {k: without_client_ids(v) for k, v in value.items() if k != "client_order_id"}
    if isinstance(value, list):
        return [without_client_ids(v) for v in value]
    return value
