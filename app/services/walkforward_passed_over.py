"""A walk-forward fold's cells its minimum number of trades passed over, and how many of them beat its choice.

The fold's sweep page ranks every cell by the objective; the walk-forward chooses only among cells with at least
`min_trades` trades. Trial 42: the page offered "Open best (Sharpe 0.66)", a cell the minimum had left out, and
neither page said why the walk-forward chose another.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.walle.models import Run, RunMetric, Walkforward


class PassedOver(NamedTuple):
    """A sweep's completed cells the choice left out for making fewer than the walk-forward's `min_trades`
    (`cells`), and of those the ones whose objective figure beat the chosen cell's (`better`): above 0, the
    sweep page's best by the objective is one of them, not the cell chosen."""

    cells: int = 0
    better: int = 0


def passed_over(session: Session, wf: Walkforward) -> dict[str, PassedOver]:
    """Per sweep whose cell was chosen (the folds' and the contrast's), its cells passed over for having fewer
    than `min_trades` trades (a cell with no trades figure made none, as `choose` reads it), in two queries
    whatever the folds; empty when there is no minimum. Read from the cells, so a walk-forward stored before
    this field existed says it too (a fold's sweep page offered "Open best (Sharpe 0.66)", a cell the minimum
    had left out, and neither page said why the walk-forward chose another)."""
    chosen = {f["sweep_id"]: f["chosen_run_id"] for f in wf.folds if f.get("chosen_run_id")}
    if wf.contrast and wf.contrast.get("chosen_run_id"):
        chosen[wf.contrast["sweep_id"]] = wf.contrast["chosen_run_id"]
    if not wf.min_trades or not chosen:
        return {}
    chosen_figures = dict(session.execute(select(RunMetric.run_id, RunMetric.value).where(
        RunMetric.run_id.in_(chosen.values()), RunMetric.name == wf.objective)).tuples().all())
    trades, figure = aliased(RunMetric), aliased(RunMetric)
    thin = session.execute(
        select(Run.sweep_id, figure.value)
        .outerjoin(trades, (trades.run_id == Run.id) & (trades.name == "trades"))
        .outerjoin(figure, (figure.run_id == Run.id) & (figure.name == wf.objective))
        .where(Run.sweep_id.in_(chosen), Run.status == "completed",
               func.coalesce(trades.value, 0) < wf.min_trades)).tuples().all()
    counts = {sweep_id: [0, 0] for sweep_id in chosen}
    for sweep_id, value in thin:
        mine = chosen_figures.get(chosen[sweep_id])
        counts[sweep_id][0] += 1
        if _beats(value, mine, wf.direction):
            counts[sweep_id][1] += 1
    return {sweep_id: PassedOver(cells, better) for sweep_id, (cells, better) in counts.items()}


def _beats(value: float | None, chosen: float | None, direction: str) -> bool:
    """Whether a figure is strictly better than the chosen cell's (a missing or NaN one never is)."""
    if value is None or chosen is None or math.isnan(value) or math.isnan(chosen):
        return False
    return value > chosen if direction == "max" else value < chosen
