"""A paper run's `orders_rejected` figure counts its rejected orders as a backtest's does (Greta counts
every order it rejected): those the broker refuses and those the run's own checks refuse, on the bar
that rejected them, and it stays put on the bars that reject nothing."""

from __future__ import annotations

from sqlalchemy import select

from app.walle.models import RunMetric
from tests.unit.veda.conftest import Desk


def _rejected(desk: Desk, run_id: str) -> float | None:
    with desk.db.read_session() as session:
        return session.scalar(select(RunMetric.value).where(RunMetric.run_id == run_id,
                                                            RunMetric.name == "orders_rejected"))


def test_rejected_orders_are_counted_on_the_paper_run_as_in_a_backtest(desk: Desk) -> None:
    run_id = desk.start(options={"risk": {"max_orders_per_day": 2}})
    desk.tick(run_id, 0)
    assert _rejected(desk, run_id) == 0  # a run that rejected nothing says 0, as a backtest does
    desk.broker.reject_next("insufficient buying power")
    desk.tick(run_id, 1)
    assert _rejected(desk, run_id) == 1  # refused by the broker
    desk.tick(run_id, 2)
    assert _rejected(desk, run_id) == 1
    desk.tick(run_id, 3)  # a third order placed today: refused by the run's own risk limit
    assert _rejected(desk, run_id) == 2
