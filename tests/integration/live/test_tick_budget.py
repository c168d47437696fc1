"""The tick's cost, pinned: a steady tick that places one order (the run's strategy and history
already in memory) opens at most 3 units of work and sends at most 15 SQL statements to Postgres.
A tick's cost must not grow with the number of queries someone adds on the hot path unnoticed. A
bar of ten runs ticked together opens the same 3 units of work and sends no more statements than one
run's tick: their bars, orders and metrics go in together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from app.bootstrap import Container
from app.events.outbox import OutboxWriter
from app.walle.models import Order
from app.walle.uow import UnitOfWork
from tests.integration.live.conftest import last_closed_bar, running_run
from workers.runtime import Runtime

MAX_STATEMENTS = 15
MAX_UNITS_OF_WORK = 3


@contextmanager
def counted(pg: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Every statement sent to Postgres and every unit of work opened. The outbox writes its rows on
    psycopg's own cursor (no SQLAlchemy event sees it), so those inserts are counted here too."""
    seen: dict[str, list[str]] = {"statements": [], "units": []}
    factory: Callable[[], UnitOfWork] = pg.uow
    pipelined = OutboxWriter._insert_pipelined

    def on_execute(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen["statements"].append(statement.split("\n")[0][:120])

    def outbox_insert(writer: OutboxWriter, rows: list[dict[str, object]]) -> list[int]:
        seen["statements"].append(f"INSERT INTO outbox ({len(rows)} rows, psycopg cursor)")
        return pipelined(writer, rows)

    def counting() -> UnitOfWork:
        seen["units"].append("uow")
        return factory()

    event.listen(pg.engine, "before_cursor_execute", on_execute)
    monkeypatch.setattr(OutboxWriter, "_insert_pipelined", outbox_insert)
    monkeypatch.setattr(pg, "uow", counting)
    try:
        yield seen
    finally:
        monkeypatch.undo()
        event.remove(pg.engine, "before_cursor_execute", on_execute)


def test_a_steady_tick_with_one_order_stays_within_its_statement_budget(
    pg: Container, live_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={})
    live = live_runtime.live
    bar = last_closed_bar()
    assert live.handle("tick", run_id, bar_ts=(bar - timedelta(seconds=1)).isoformat()).startswith("done: 1")
    with counted(pg, monkeypatch) as seen:
        assert live.handle("tick", run_id, bar_ts=bar.isoformat()).startswith("done: 1")
    statements, units = seen["statements"], seen["units"]
    print(f"\ntick budget: {len(units)} units of work, {len(statements)} statements")
    for statement in statements:
        print("  ", statement)
    assert len(statements) <= MAX_STATEMENTS, statements
    assert len(units) <= MAX_UNITS_OF_WORK


def test_a_steady_bar_of_ten_runs_costs_what_one_runs_tick_costs(
    pg: Container, live_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ids = [running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={}, symbols=[symbol])
               for symbol in ("AAPL", "MSFT") * 5]
    live = live_runtime.live
    bar = last_closed_bar()
    first = live.handle("tick_bar", bar_ts=(bar - timedelta(seconds=1)).isoformat(), run_ids=run_ids)
    assert all(outcome.startswith("done: 1") for outcome in first.values()), first
    with counted(pg, monkeypatch) as seen:
        outcomes = live.handle("tick_bar", bar_ts=bar.isoformat(), run_ids=run_ids)
    assert outcomes == dict.fromkeys(run_ids, "done: 1 order(s)")
    statements, units = seen["statements"], seen["units"]
    print(f"\nbar of {len(run_ids)} runs: {len(units)} units of work, {len(statements)} statements")
    for statement in statements:
        print("  ", statement)
    assert len(units) <= MAX_UNITS_OF_WORK  # check, decide, settle: once for the bar, not once per run
    # A further run adds no statement: its book is read with the others', its bars, order, metrics and
    # events are written in the same statements as theirs. Only the positions' UPDATEs may be several:
    # the ORM sends one per run of consecutive rows that changed the same columns.
    positions = [s for s in statements if s.startswith("UPDATE positions")]
    assert len(statements) - len(positions) <= MAX_STATEMENTS - 1, statements
    assert 1 <= len(positions) <= len(run_ids)
    with pg.read_session() as session:  # and each run placed its one order per bar, once
        placed = session.execute(select(Order.run_id, func.count()).where(Order.run_id.in_(run_ids))
                                 .group_by(Order.run_id)).all()
    assert dict(placed) == dict.fromkeys(run_ids, 2)
