"""A bar of ten runs is written in a few statements for all of them (their bars, orders and metrics
go in together, a figure that did not change is not written again): each run must still end up with
exactly its own records, as if it had ticked alone."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.walle.models import EquityPoint, LiveBar, LiveTick, Order, RunMetric
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, SETTLE, Desk

BARS = 4


def _bar(desk: Desk, run_ids: list[str], bar: int) -> dict[str, str]:
    bar_ts = FIRST_BAR + bar * MINUTE
    desk.clock.set(bar_ts + MINUTE + SETTLE)
    return desk.live.handle("tick_bar", bar_ts=bar_ts.isoformat(), run_ids=run_ids)


def _rows(desk: Desk, model: type, run_id: str) -> list:
    with desk.db.read_session() as session:
        return list(session.scalars(select(model).where(model.run_id == run_id)))


def test_ten_runs_in_one_bar_each_act_once_with_their_own_bars_orders_and_figures(desk: Desk) -> None:
    buyers = [desk.start() for _ in range(9)]
    resting = desk.start("tests.fixtures.strategies:RestingLimit")  # orders once, then stays flat
    runs = [*buyers, resting]
    for bar in range(BARS):
        outcomes = _bar(desk, runs, bar)
        assert outcomes == {**dict.fromkeys(buyers, "done: 1 order(s)"),
                            resting: "done: 1 order(s)" if bar == 0 else "done: 0 order(s)"}
    assert _bar(desk, runs, BARS - 1) == dict.fromkeys(runs, "duplicate")  # redelivered: nothing sent again
    assert len(desk.broker.requests) == len(buyers) * BARS + 1
    for run_id in runs:
        orders = _rows(desk, Order, run_id)
        assert len(orders) == (BARS if run_id in buyers else 1)
        assert len({o.client_order_id for o in orders}) == len(orders)
        assert [t.status for t in _rows(desk, LiveTick, run_id)] == ["done"] * BARS
        processed = sorted(b.ts for b in _rows(desk, LiveBar, run_id) if not b.warmup)
        assert processed == [FIRST_BAR + i * MINUTE for i in range(BARS)]
        points = sorted(_rows(desk, EquityPoint, run_id), key=lambda p: p.ts)
        assert [p.ts for p in points] == [FIRST_BAR + i * MINUTE for i in range(BARS)]
        figures = {m.name: m.value for m in _rows(desk, RunMetric, run_id)}
        # The figures of the last bar, though some of them (a flat run's return) last changed bars ago.
        assert figures["bars"] == BARS
        assert Decimal(repr(figures["final_equity"])) == points[-1].equity


def test_the_orders_per_day_limit_counts_the_order_being_placed_though_it_is_not_written_yet(desk: Desk) -> None:
    run_id = desk.start(options={"risk": {"max_orders_per_day": 2}})
    for bar in range(3):
        _bar(desk, [run_id], bar)
    orders = sorted(_rows(desk, Order, run_id), key=lambda o: o.bar_ts)
    assert [o.status for o in orders] == ["filled", "filled", "rejected"]
    assert "max_orders_per_day" in (orders[-1].reject_reason or "")
    assert len(desk.broker.requests) == 2
