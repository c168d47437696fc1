"""A standalone restarted after a stop mid-sweep commands its unfinished backtests again: a single run one
message, a sweep's cells in messages of several (as the sweep first sent them; one a cell made a
2,243-cell walk-forward finish at a third of its pace, trial 17), and a sweep still making its cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.events.reader import read_events
from app.services.sweeps import sweep_message_size
from app.standalone.embedded import Requeued, requeue_interrupted
from app.walle.models import Run, Sweep

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def test_unfinished_cells_go_again_in_messages_of_several_and_single_runs_alone(pg: Container) -> None:
    with pg.uow() as uow:
        grid = Sweep(name="grid", strategy="sma_cross", grid={"fast": list(range(10))}, settings={},
                     status="running", total=10)
        making = Sweep(name="making", strategy="sma_cross", grid={"fast": [5]}, settings={}, status="creating")
        uow.session.add_all([grid, making])
        uow.session.flush()

        def run(status: str, sweep_id: str | None, second: int) -> str:
            made = Run(mode="backtest", strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                       cash=Decimal("10000"), status=status, sweep_id=sweep_id,
                       created_at=AT + timedelta(seconds=second))
            uow.session.add(made)
            return made.id

        done = [run("completed", grid.id, i) for i in range(2)]
        cells = [run("running" if i == 2 else "queued", grid.id, i) for i in range(2, 10)]
        alone = run("queued", None, 20)
        run("completed", None, 21)
        uow.commit()

    with pg.uow() as uow:
        again = requeue_interrupted(uow)
        uow.commit()

    step = sweep_message_size(8)
    assert step > 1
    assert again == Requeued(backtests=9, cells=8, sweeps=1, messages=-(-8 // step), creating=1)
    with pg.read_session() as session:
        commands = [(e.type, e.payload) for e in read_events(session, 0, commands=True)]
    assert ("command.start_backtest", {"run_id": alone}) in commands
    batches = [tuple(p["run_ids"]) for t, p in commands if t == "command.start_backtests"]
    assert [cell for batch in batches for cell in batch] == cells  # each unfinished cell once, in order
    assert all(len(batch) == step for batch in batches[:-1]) and not set(done) & set(sum(batches, ()))
    assert ("command.create_sweep_cells", {"sweep_id": making.id}) in commands
    assert len(commands) == 1 + len(batches) + 1
