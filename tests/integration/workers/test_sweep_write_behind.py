"""A message's sweep cells store each group's results while the next group runs (write-behind): every
cell still runs once, completes once with its own events in order, a redelivery does nothing, and
cancelling the sweep mid-message stops the cells not yet run, claimed ahead or not. The worker that
creates the cells starts on the last message's cells at once."""

from __future__ import annotations

import threading

from sqlalchemy import select

from app.bootstrap import Container, Services, bootstrap, build_services
from app.events.commands import CreateSweepCells, StartBacktests
from app.events.reader import read_events
from app.services.specs import SweepCreate
from app.walle.models import Run, Sweep
from tests.conftest import make_settings
from tests.integration.api.conftest import issued, store_daily_bars
from tests.waiting import wait_for

GRID = {"fast": [3, 5, 8], "slow": [20, 30]}


def sweep_cells(pg: Container) -> tuple[Services, str, list[str]]:
    services = build_services(pg.settings, container=pg)
    sweep, _ = services.sweeps.create(SweepCreate(strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                                                  cash="10000", grid=GRID))
    assert services.sweeps.create_cells(sweep.id) == "created"
    with pg.read_session() as session:
        ids = list(session.scalars(select(Run.id).where(Run.sweep_id == sweep.id).order_by(Run.name)))
    return services, sweep.id, ids


def run_statuses(pg: Container, run_id: str) -> list[str]:
    with pg.read_session() as session:
        return [e.payload["status"] for e in read_events(session, 0, limit=100_000)
                if e.run_id == run_id and e.type.startswith("run.")]


def test_every_cell_of_a_message_completes_once_and_a_redelivery_does_nothing(pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    services, sweep_id, ids = sweep_cells(pg)
    assert services.backtests._in_turn(ids) == ["completed"] * 6
    for run_id in ids:
        assert run_statuses(pg, run_id) == ["queued", "running", "completed"]
    with pg.read_session() as session:
        assert session.get(Sweep, sweep_id).status == "completed"
    with pg.uow() as uow:
        assert {uow.records.metrics(run_id)["bars"] for run_id in ids} == {300}
        assert uow.records.equity(ids[0]) == []  # a cell keeps its metrics; its curve waits until opened
        final_equity = uow.records.metrics(ids[0])["final_equity"]
    assert services.backtests.complete_records(ids[0])  # opened: the full curve, rebuilt
    with pg.uow() as uow:
        full = [float(p.equity) for p in uow.records.equity(ids[0])]
    assert len(full) == 300 and full[-1] == final_equity
    assert services.backtests._in_turn(ids) == ["skipped"] * 6  # redelivered: every cell is done
    assert all(len(run_statuses(pg, run_id)) == 3 for run_id in ids)


def test_cancelling_the_sweep_mid_message_stops_the_cells_not_yet_run(pg: Container, monkeypatch) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    services, sweep_id, ids = sweep_cells(pg)
    backtests = services.backtests
    execute, executed = backtests._execute, []
    second_started, cancelled = threading.Event(), threading.Event()

    def execute_and_cancel(claimed):  # cancel while the second cell runs, once the first is stored
        executed.append(claimed.run.id)
        if len(executed) == 2:
            wait_for(lambda: run_statuses(pg, ids[0])[-1] == "completed", 10, "the first cell to be stored")
            second_started.set()
            assert cancelled.wait(10)
        return execute(claimed)

    monkeypatch.setattr(backtests, "_execute", execute_and_cancel)
    canceller = threading.Thread(target=lambda: (second_started.wait(10), services.sweeps.cancel(sweep_id),
                                                 cancelled.set()))
    canceller.start()
    outcomes = backtests._in_turn(ids)
    canceller.join(10)
    assert outcomes[0] == "completed"
    assert len(executed) == 2  # the cells claimed ahead while the second ran were looked at first: none ran
    with pg.read_session() as session:
        statuses = {r.id: r.status for r in session.scalars(select(Run).where(Run.id.in_(ids)))}
        assert session.get(Sweep, sweep_id).status == "cancelled"
    assert statuses[ids[0]] == "completed"
    assert all(statuses[run_id] == "cancelled" for run_id in ids[1:])
    assert all(run_statuses(pg, run_id)[-1] == "cancelled" for run_id in ids[1:])


def test_the_worker_that_creates_the_cells_runs_the_last_message_at_once_and_that_message_finds_them_done(
        pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    services = build_services(pg.settings, container=pg)
    grid = {"fast": [3, 5, 8, 10], "slow": [20, 30, 40, 50]}  # 16 cells: 4 per message
    sweep, _ = services.sweeps.create(SweepCreate(strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                                                  cash="10000", grid=grid))
    assert services.commands.handle(CreateSweepCells(sweep.id), "create-cells-1") == "created"
    batches = [c.run_ids for c in issued(pg) if isinstance(c, StartBacktests)]
    assert [len(b) for b in batches] == [4] * 4  # every message still goes
    with pg.read_session() as session:
        statuses = {r.id: r.status for r in session.scalars(select(Run).where(Run.sweep_id == sweep.id))}
    assert {statuses[run_id] for run_id in batches[-1]} == {"completed"}
    assert {statuses[run_id] for batch in batches[:-1] for run_id in batch} == {"queued"}
    assert services.backtests._in_turn(batches[-1]) == ["skipped"] * 4  # its message, delivered last
    for batch in batches[:-1]:
        assert services.backtests.execute_many(batch) == "done"
    with pg.read_session() as session:
        assert session.get(Sweep, sweep.id).status == "completed"
    assert all(run_statuses(pg, run_id) == ["queued", "running", "completed"] for batch in batches for run_id in batch)


def test_on_sqlite_a_message_of_cells_completes_with_its_writes_behind(sqlite_url: str) -> None:
    """`weaver standalone`'s database: one writer at a time, the writer thread included."""
    container = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    try:
        store_daily_bars(container, "AAPL", days=300)
        services, sweep_id, ids = sweep_cells(container)
        assert services.backtests.execute_many(ids) == "done"
        with container.read_session() as session:
            assert session.get(Sweep, sweep_id).status == "completed"
            assert {r.status for r in session.scalars(select(Run).where(Run.id.in_(ids)))} == {"completed"}
    finally:
        container.close()
