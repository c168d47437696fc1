"""The tick's cost, pinned: a steady tick that places one order (the run's strategy and history
already in memory) opens at most 3 units of work and sends at most 15 SQL statements to Postgres.
A tick's cost must not grow with the number of queries someone adds on the hot path unnoticed. A
bar of several runs ticked together opens the same 3 units of work in all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.bootstrap import Container
from app.events.outbox import OutboxWriter
from app.walle.uow import UnitOfWork
from tests.integration.live.conftest import last_closed_bar, running_run
from workers.runtime import Runtime

MAX_STATEMENTS = 15
MAX_UNITS_OF_WORK = 3
MAX_STATEMENTS_PER_FURTHER_RUN = 3  # a bar of several runs ticked together (tick_bar)


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


def test_a_steady_bar_of_several_runs_takes_three_units_of_work_in_all(
    pg: Container, live_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_ids = [running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={}) for _ in range(3)]
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
    # Each further run adds only its own writes (its bars, its order, its metrics): its book is read with
    # the others', its events go out in the same inserts.
    assert len(statements) <= MAX_STATEMENTS + MAX_STATEMENTS_PER_FURTHER_RUN * (len(run_ids) - 1), statements
