"""A run's orders, fills and trades go to Postgres as COPY text lines made from the records
(app/services/ledger_copy.py): every stored column equals what the dict-per-row path stores (SQLite's, and
Postgres's before: results.ledger_rows), on the cross-engine cases and on fees, fractions, shorts,
rejections and bracket legs; and free text with tabs, newlines and backslashes comes back as it was."""

from __future__ import annotations

import dataclasses
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from app.bootstrap import Container
from app.greta import Backtest
from app.greta.data import synthetic_bars
from app.services.results import _write_ledger, ledger_rows
from app.walle.models import Fill, Order, Run, Trade
from tests.unit.greta.test_lazy_records import CASES, Entries


def reference_rows(run_id: str, result: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows as a dict per record, as SQLite gets them and as Postgres got them before the COPY text."""
    return ledger_rows(run_id, result)


def stored(pg: Container, run_id: str, expected: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The stored rows, the reference's columns of each, in the reference's order (by id)."""
    out = {}
    with pg.session_factory() as session:
        for kind, model in (("orders", Order), ("fills", Fill), ("trades", Trade)):
            rows = {row.id: row for row in session.scalars(select(model).where(model.run_id == run_id))}
            out[kind] = [{column: getattr(rows[want["id"]], column) for column in want} if want["id"] in rows else None
                         for want in expected[kind]]
            assert len(rows) == len(expected[kind]), kind
    return out


def _store(pg: Container, run_id: str, result: Any) -> None:
    with pg.uow() as uow:
        uow.runs.add(Run(id=run_id, mode="backtest", name="ledger", strategy="sma_cross", params={}, symbols=["AAA"],
                         timeframe="1Day", cash=1, fees={}, slippage={}, options={}, status="created"))
        uow.session.flush()
        _write_ledger(uow, run_id, result)
        uow.commit()


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_copy_lines_store_what_the_rows_stored(pg: Container, case: str) -> None:
    config, seed, kind = CASES[case]
    run_id = str(uuid.uuid4())
    strategy = type("Entries", (Entries,), {"kind": kind}) if kind else None
    bars = synthetic_bars("AAA", 2500, seed=seed, volatility=0.35)
    result = Backtest(dataclasses.replace(config, run_id=run_id), bars, strategy=strategy).run()
    _store(pg, run_id, result)
    expected = reference_rows(run_id, result)
    assert len(expected["trades"]) > 10
    assert stored(pg, run_id, expected) == expected


def test_free_text_with_tabs_newlines_and_backslashes_comes_back_as_it_was(pg: Container) -> None:
    config, seed, _ = CASES["sized entries"]  # some orders are rejected: they have a reason
    run_id = str(uuid.uuid4())
    bars = synthetic_bars("AAA", 2500, seed=seed, volatility=0.35)
    result = Backtest(dataclasses.replace(config, run_id=run_id), bars,
                      strategy=type("Entries", (Entries,), {"kind": "sized"})).run()
    odd = "refused:\tcolumn\nnext line \\N and C:\\path\r"
    orders = [dataclasses.replace(o, reject_reason=odd) if o.reject_reason else o for o in result.orders]
    assert any(o.reject_reason == odd for o in orders)
    mixed = SimpleNamespace(orders=orders, fills=result.fills, trades=result.trades)
    _store(pg, run_id, mixed)
    expected = reference_rows(run_id, mixed)
    assert stored(pg, run_id, expected) == expected
