"""A fold whose best objective figure several cells share says so (trial 31: `fees_total` with no fees scored
every cell 0 and the first cell was "chosen" in every fold, silently)."""

from __future__ import annotations

from app.bootstrap import Container, build_services
from app.cli.walkforward_report import fold_notes
from app.glados.routes.walkforwards import WalkforwardOut, walkforward_out
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Walkforward
from tests.integration.workers.test_walkforward import GRID, SETTINGS, store_walk
from tests.integration.workers.test_walkforward_year import run_every_command


def walked(pg: Container, objective: str, min_trades: int, contrast: bool) -> WalkforwardOut:
    """A three-fold walk-forward over the seeded walk, every command run; as the API shows it."""
    store_walk(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, objective=objective, min_trades=min_trades, contrast=contrast,
        folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40}, **SETTINGS))
    run_every_command(pg, services)
    with pg.read_session() as session:
        return walkforward_out(session, session.get(Walkforward, wf.id))


def test_a_fold_chosen_among_tied_cells_names_the_tie(pg: Container) -> None:
    out = walked(pg, "fees_total", min_trades=0, contrast=True)  # no fees: every cell scores 0
    assert out.status == "completed" and len(out.folds) == 3
    assert [({k: f.params[k] for k in GRID}, f.tied) for f in out.folds if f.params] == [
        ({"fast": 5, "slow": 20}, 4)] * 3  # the first in grid order
    assert out.contrast is not None and out.contrast.tied == 4
    assert fold_notes(out)[-1] == ("tied on Fees (folds 1 (4 cells), 2 (4 cells), 3 (4 cells)): the first of the "
                                   "tied cells in grid order was taken; the objective did not tell them apart")


def test_a_fold_with_one_best_cell_is_not_tied(pg: Container) -> None:
    out = walked(pg, "total_return_pct", min_trades=1, contrast=False)
    assert [f.tied for f in out.folds] == [1, 1, 1] and not any("tied" in note for note in fold_notes(out))

