"""The last two cells of a sweep, finishing at the same moment in two workers, complete the sweep: the
later transaction counts after the earlier one committed, never beside it."""

from __future__ import annotations

import threading

from app.bootstrap import Container
from app.services.runs import transition
from app.services.sweeps import record_cell_finished
from app.walle.models import Sweep
from tests.integration.foundation.factories import make_run


def finish_cell(pg: Container, run_id: str, sweep_id: str, counted: threading.Event, go: threading.Event,
                committed: threading.Event) -> None:
    """What a worker does when a cell ends, holding its transaction open until `go`."""
    with pg.uow() as uow:
        run = uow.runs.get(run_id, for_update=True)
        with uow.outbox.batch():  # as the worker writes them: the events after the count, in one insert
            transition(uow, run, "completed")
            record_cell_finished(uow, sweep_id)
        counted.set()
        go.wait(10)
        uow.commit()
    committed.set()


def test_two_last_cells_finishing_together_complete_the_sweep(pg: Container) -> None:
    with pg.uow() as uow:
        sweep = uow.sweeps.add(Sweep(strategy="sma_cross", grid={"fast": [5, 8]}, settings={}, params={}, total=2,
                                     status="running"))
        uow.session.flush()
        cells = [uow.runs.add(make_run(status="running", sweep_id=sweep.id)) for _ in range(2)]
        uow.commit()
    first, second = [(threading.Event(), threading.Event(), threading.Event()) for _ in range(2)]
    threads = [threading.Thread(target=finish_cell, args=(pg, cell.id, sweep.id, *events))
               for cell, events in zip(cells, (first, second), strict=True)]
    second[1].set()  # the second cell commits as soon as it can
    threads[0].start()
    assert first[0].wait(10)  # the first cell has counted, its transaction still open
    threads[1].start()
    assert not second[2].wait(1.0)  # the second cell waits for the first one's transaction
    first[1].set()
    for thread in threads:
        thread.join(10)
    assert first[2].is_set() and second[2].is_set()
    with pg.read_session() as session:
        assert session.get(Sweep, sweep.id).status == "completed"
