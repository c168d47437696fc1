"""Veda's tick, unit-tested against the fake broker with an injected clock: placing orders, booking
fills, reconciling with the broker, the kill switch, and ticks too late to trade."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.walle.models import EquityPoint, Fill, LiveTick, Order, OutboxEvent, Position
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, SETTLE, Desk

D = Decimal


def _rows(desk: Desk, model: type, run_id: str) -> list:
    with desk.db.read_session() as session:
        return list(session.scalars(select(model).where(model.run_id == run_id)))


def _events(desk: Desk, kind: str) -> list[dict]:
    with desk.db.read_session() as session:
        return [e.payload for e in session.scalars(select(OutboxEvent).where(OutboxEvent.type == kind))]


def test_a_tick_places_one_order_recorded_before_it_is_sent_and_books_its_fill(desk: Desk) -> None:
    run_id = desk.start()
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (request,) = desk.broker.requests
    (order,) = _rows(desk, Order, run_id)
    assert request.client_order_id == order.client_order_id and order.status == "filled"
    assert order.submitted_at == desk.clock.now() and order.bar_ts == FIRST_BAR
    (fill,) = _rows(desk, Fill, run_id)
    assert (fill.qty, fill.price) == (D(1), desk.broker.last_close("ZZZ"))
    (position,) = _rows(desk, Position, run_id)
    assert position.qty == D(1)
    (point,) = _rows(desk, EquityPoint, run_id)
    assert point.ts == FIRST_BAR and point.equity == D("100000")  # bought at the close it is marked at
    (tick,) = _rows(desk, LiveTick, run_id)
    assert (tick.status, tick.created_at) == ("done", FIRST_BAR + MINUTE + MINUTE / 60)
    with desk.db.read_session() as session:  # each event written with the change it describes, in order
        events = session.execute(select(OutboxEvent.type, OutboxEvent.payload).where(OutboxEvent.run_id == run_id)
                                 .order_by(OutboxEvent.seq)).all()
    assert [kind for kind, _ in events][-4:] == ["order.submitted", "position.changed", "order.filled", "live.tick"]
    # the quantity as the positions endpoint writes it, 9 places, for a new position as for a stored one
    assert events[-3][1]["qty"] == "1.000000000"


def test_the_same_tick_delivered_again_is_a_duplicate_and_sends_nothing(desk: Desk) -> None:
    run_id = desk.start()
    desk.tick(run_id, 0)
    assert desk.tick(run_id, 0) == "duplicate"
    assert len(desk.broker.requests) == 1


def test_a_resting_order_filled_in_parts_is_booked_fill_by_fill_on_the_next_ticks(desk: Desk) -> None:
    run_id = desk.start("tests.fixtures.strategies:RestingLimit")
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (order,) = _rows(desk, Order, run_id)
    assert order.status == "accepted" and not _rows(desk, Fill, run_id)
    desk.broker.fill(order.client_order_id, "0.4", "50.5")
    assert desk.tick(run_id, 1) == "done: 0 order(s)"
    desk.broker.fill(order.client_order_id, "0.6", "50.0")
    desk.tick(run_id, 2)
    fills = sorted(_rows(desk, Fill, run_id), key=lambda f: f.qty)
    assert [(f.qty, f.price) for f in fills] == [(D("0.4"), D("50.5")), (D("0.6"), D("50.0"))]
    (order,) = _rows(desk, Order, run_id)
    assert (order.status, order.filled_qty, order.filled_avg_price) == ("filled", D(1), D("50.2"))
    (position,) = _rows(desk, Position, run_id)
    assert position.qty == D(1)


def test_an_order_the_broker_refuses_is_rejected_with_its_reason_on_the_run(desk: Desk) -> None:
    run_id = desk.start()
    desk.broker.reject_next("insufficient buying power")
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    (order,) = _rows(desk, Order, run_id)
    assert (order.status, order.reject_reason) == ("rejected", "insufficient buying power")
    assert "insufficient buying power" in (desk.run(run_id).error or "")
    assert desk.run(run_id).status == "running"


def test_reconciliation_syncs_an_order_whose_answer_was_lost_and_marks_an_unknown_one(desk: Desk) -> None:
    run_id = desk.start()
    desk.broker.lose_next()  # the order reaches the broker (and fills), its answer does not come back
    desk.tick(run_id, 0)
    (order,) = _rows(desk, Order, run_id)
    assert order.status == "submitted"
    with desk.db.uow() as uow:  # and one the broker never heard of
        never = Order(run_id=run_id, client_order_id=f"{run_id}-x-1", symbol="ZZZ", side="buy", type="market",
                      order_class="simple", time_in_force="day", qty=D(1), status="submitted",
                      submitted_at=desk.clock.now(), history=[])
        uow.session.add(never)
        uow.commit()
    repaired = desk.live.reconcile()["paper"]
    assert any("synced" in line and order.client_order_id in line for line in repaired)
    assert any("marked_unknown" in line for line in repaired)
    statuses = {o.client_order_id: o.status for o in _rows(desk, Order, run_id)}
    assert statuses == {order.client_order_id: "filled", f"{run_id}-x-1": "unknown"}
    (position,) = _rows(desk, Position, run_id)
    assert position.qty == D(1)


def test_the_kill_switch_cancels_open_orders_at_the_broker_and_stops_every_run(desk: Desk) -> None:
    resting = desk.start("tests.fixtures.strategies:RestingLimit")
    buying = desk.start()
    desk.tick(resting, 0)
    desk.tick(buying, 0)
    assert desk.live.handle("kill") == {"runs": 2, "orders": 1}
    assert [o.status for o in desk.broker.orders.values()].count("canceled") == 1
    assert {desk.run(resting).status, desk.run(buying).status} == {"stopped"}
    (order,) = _rows(desk, Order, resting)
    assert order.status == "canceled"
    (killed,) = _events(desk, "kill.activated")
    assert (killed["runs"], killed["orders"], sorted(killed["run_ids"])) == (2, 1, sorted([resting, buying]))
    assert desk.tick(buying, 1) == "not running"


def test_a_tick_fired_after_its_bar_went_stale_is_skipped_by_the_clock_not_traded(desk: Desk) -> None:
    run_id = desk.start()
    desk.clock.set(FIRST_BAR + 5 * MINUTE)  # the 14:00 bar closed four minutes ago: two bars is the limit
    outcome = desk.live.handle("tick", run_id, bar_ts=FIRST_BAR.isoformat())
    assert outcome == "skipped: stale (the bar closed 240s ago)"
    assert not desk.broker.requests and not _rows(desk, Order, run_id)
    (tick,) = _rows(desk, LiveTick, run_id)
    assert tick.status == "skipped"


def test_ticks_in_a_row_keep_the_history_in_memory_and_fetch_only_the_new_bar(desk: Desk) -> None:
    run_id = desk.start()
    for bar in range(3):
        assert desk.tick(run_id, bar) == "done: 1 order(s)"
    history = desk.live.contexts[run_id].history
    assert len(history.frames()[0].close) == 53  # 50 bars of warm-up, then one per tick
    assert len(_rows(desk, EquityPoint, run_id)) == 3
    (position,) = _rows(desk, Position, run_id)
    assert position.qty == D(3)


def _bar(desk: Desk, run_ids: list[str], bar: int) -> dict[str, str]:
    """The scheduler's one command for the `bar`-th bar of every run in `run_ids`."""
    bar_ts = FIRST_BAR + bar * MINUTE
    desk.clock.set(bar_ts + MINUTE + SETTLE)
    return desk.live.handle("tick_bar", bar_ts=bar_ts.isoformat(), run_ids=run_ids)


def test_a_bar_of_several_runs_is_ticked_together_like_each_run_alone(desk: Desk, monkeypatch) -> None:
    buyer, resting, stopped = desk.start(), desk.start("tests.fixtures.strategies:RestingLimit"), desk.start()
    with desk.db.uow() as uow:
        uow.runs.get(stopped).status = "stopped"
        uow.commit()
    first = _bar(desk, [buyer, resting, stopped], 0)  # no strategy in memory yet: each warms up alone
    assert first == {buyer: "done: 1 order(s)", resting: "done: 1 order(s)", stopped: "not running"}
    units = []
    factory = desk.live.desk.uow
    monkeypatch.setattr(desk.live.desk, "uow", lambda: units.append(1) or factory())
    assert _bar(desk, [buyer, resting], 1) == {buyer: "done: 1 order(s)", resting: "done: 0 order(s)"}
    assert len(units) == 3  # check, decide, settle: for both runs at once
    assert _bar(desk, [buyer, resting], 1) == {buyer: "duplicate", resting: "duplicate"}
    assert len(desk.broker.requests) == 3
    (position,) = _rows(desk, Position, buyer)
    assert position.qty == D(2)
    assert [t.status for t in _rows(desk, LiveTick, buyer)] == ["done", "done"]
    assert len(_rows(desk, EquityPoint, resting)) == 2
    (order,) = _rows(desk, Order, resting)
    desk.broker.fill(order.client_order_id, "1", "50.0")
    assert _bar(desk, [buyer, resting], 2) == {buyer: "done: 1 order(s)", resting: "done: 0 order(s)"}
    (order,) = _rows(desk, Order, resting)
    assert order.status == "filled"  # polled with the bar, booked in its decide


def test_a_strategy_failing_in_a_bar_of_several_runs_errs_its_run_only(desk: Desk) -> None:
    good, bad = desk.start(), desk.start("tests.fixtures.strategies:Broken")
    for bar in range(9):
        assert _bar(desk, [good, bad], bar) == {good: "done: 1 order(s)", bad: "done: 0 order(s)"}
    # Broken raises on its tenth bar: nothing of the bar is recorded, each run ticks it again alone.
    assert _bar(desk, [good, bad], 9) == {good: "done: 1 order(s)", bad: "error"}
    assert desk.run(bad).status == "error" and desk.run(good).status == "running"
    (position,) = _rows(desk, Position, good)
    assert position.qty == D(10)
    assert len(_rows(desk, LiveTick, good)) == 10
    assert _bar(desk, [good, bad], 10) == {good: "done: 1 order(s)", bad: "not running"}
