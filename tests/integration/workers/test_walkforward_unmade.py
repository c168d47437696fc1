"""A fold whose sweep cannot make its cells (trial 34: a strategy the workers cannot load, here its bars gone)
finishes that fold with the reason; with every fold so, the walk-forward fails saying why, where it used to
stay `optimising 0/N` for ever."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app.bootstrap import Container, build_services
from app.services.walkforward_specs import WalkforwardCreate
from app.services.walkforwards import progress
from app.walle.models import Bar, BarSeries, Run, Sweep, Walkforward
from tests.integration.workers.test_walkforward import GRID, SETTINGS, store_walk

NO_BARS = "symbols: no 1Day bars stored for AAPL; import or fetch them first"


def create(pg: Container) -> Walkforward:
    services = build_services(pg.settings, container=pg)
    return services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40},
        objective="total_return_pct", direction="max", **SETTINGS))


def test_a_walk_forward_whose_folds_cannot_make_their_cells_fails_with_the_reason(pg: Container) -> None:
    store_walk(pg)
    wf = create(pg)
    with pg.uow() as uow:  # the data went away after the request was accepted
        uow.session.execute(delete(Bar))
        uow.session.execute(delete(BarSeries))
        uow.commit()
    services = build_services(pg.settings, container=pg)
    for sweep_id in [f["sweep_id"] for f in wf.folds] + [wf.contrast["sweep_id"]]:
        assert services.sweeps.create_cells(sweep_id) == "failed"
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "failed"
        assert stored.error == f"no fold's cells could be made: {NO_BARS}"
        assert [f["reason"] for f in stored.folds] == [
            f"its cells could not be made: {NO_BARS}"] * 3
        assert stored.contrast["reason"] == f"its cells could not be made: {NO_BARS}"
        cells = progress(session, stored)  # what the API, the page and the CLI count: none of 16 left pending
        assert (cells.finished, cells.total) == (16, 16)


def test_one_fold_that_cannot_make_its_cells_gives_its_reason_and_the_others_go_on(pg: Container) -> None:
    store_walk(pg)
    wf = create(pg)
    broken = wf.folds[1]["sweep_id"]
    with pg.uow() as uow:  # fold 2 names a symbol with no bars
        sweep = uow.session.get(Sweep, broken)
        uow.session.execute(update(Sweep).where(Sweep.id == broken)
                            .values(settings={**sweep.settings, "symbols": ["MSFT"]}))
        uow.commit()
    services = build_services(pg.settings, container=pg)
    sweeps = [f["sweep_id"] for f in wf.folds] + [wf.contrast["sweep_id"]]
    made = [services.sweeps.create_cells(sweep_id) for sweep_id in sweeps]
    assert made == ["created", "failed", "created", "created"]
    for sweep_id in sweeps:
        with pg.read_session() as session:
            cells = session.scalars(select(Run.id).where(Run.sweep_id == sweep_id)).all()
        assert services.backtests.execute_many(cells) == "done"
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "completed", stored.error
        reasons = [f["reason"] for f in stored.folds]
        assert reasons[1] is not None and reasons[1].startswith("its cells could not be made: symbols: no 1Day bars")
        assert "MSFT" in reasons[1]
        assert reasons[0] is None and reasons[2] is None
        assert stored.folds[0]["oos_run_id"] and stored.folds[2]["oos_run_id"] and not stored.folds[1]["oos_run_id"]


def test_a_walk_forward_whose_every_cell_fails_says_with_what(pg: Container) -> None:
    """Trial 36: every cell raised in its strategy, and the walk-forward said only "no fold has a cell eligible
    for the objective", each fold "no cell of its sweep completed"."""
    store_walk(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="tests.fixtures.strategies:RaiseAt", grid={"at": [5, 6]},
        folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40}, objective="total_return_pct",
        direction="max", **SETTINGS))
    for sweep_id in [f["sweep_id"] for f in wf.folds] + [wf.contrast["sweep_id"]]:
        assert services.sweeps.create_cells(sweep_id) == "created"
        with pg.read_session() as session:
            cells = session.scalars(select(Run.id).where(Run.sweep_id == sweep_id)).all()
        services.backtests.execute_many(cells)
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        reasons = [f["reason"] for f in stored.folds]
    assert stored.status == "failed"
    assert all(r.startswith("every cell of its sweep failed (2), such as: the strategy failed on the bar") and
               "KeyError: 'missing'" in r for r in reasons), reasons
    assert stored.error == f"every cell of every fold failed: {reasons[0]}"
