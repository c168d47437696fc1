"""A bar's runs learn of their open orders from one list of the account's open orders, not one
request per order (Alpaca allows 200 requests a minute): what the list lacks is still asked for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.walle.models import Fill, Order
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, SETTLE, Desk

D = Decimal
RESTING = "tests.fixtures.strategies:RestingLimit"


@pytest.fixture
def asked(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every open-order read the tick makes of the broker, by kind."""
    calls: list[str] = []
    broker = desk.broker
    by_id, listing = broker.order_by_client_id, broker.open_orders
    monkeypatch.setattr(broker, "order_by_client_id", lambda cid, retry=True: calls.append("one") or by_id(cid))
    monkeypatch.setattr(broker, "open_orders", lambda: calls.append("list") or listing())
    return calls


def _bar(desk: Desk, run_ids: list[str], bar: int) -> dict[str, str]:
    bar_ts = FIRST_BAR + bar * MINUTE
    desk.clock.set(bar_ts + MINUTE + SETTLE)
    return desk.live.handle("tick_bar", bar_ts=bar_ts.isoformat(), run_ids=run_ids)


def _orders(desk: Desk, run_id: str) -> list[Order]:
    with desk.db.read_session() as session:
        return list(session.scalars(select(Order).where(Order.run_id == run_id)))


def test_three_runs_resting_orders_are_polled_with_one_list_per_bar(desk: Desk, asked: list[str]) -> None:
    runs = [desk.start(RESTING) for _ in range(3)]
    assert set(_bar(desk, runs, 0).values()) == {"done: 1 order(s)"}  # each places its limit
    asked.clear()
    assert set(_bar(desk, runs, 1).values()) == {"done: 0 order(s)"}
    assert asked == ["list"]  # was: one request per run's resting order
    assert [o.status for r in runs for o in _orders(desk, r)] == ["accepted"] * 3


def test_an_order_filled_in_part_is_booked_from_the_list_and_one_gone_from_it_is_asked_for(
        desk: Desk, asked: list[str]) -> None:
    runs = [desk.start(RESTING) for _ in range(3)]
    _bar(desk, runs, 0)
    (first,), (second,), _ = (_orders(desk, r) for r in runs)
    desk.broker.fill(first.client_order_id, "0.4", "50.5")  # still open: in the list
    desk.broker.fill(second.client_order_id, "1", "49.75")  # filled: no longer in the list
    asked.clear()
    _bar(desk, runs, 1)
    assert asked == ["list", "one"]
    (first,), (second,), (third,) = (_orders(desk, r) for r in runs)
    assert (first.status, first.filled_qty, first.filled_avg_price) == ("partially_filled", D("0.4"), D("50.5"))
    assert (second.status, second.filled_qty, second.filled_avg_price) == ("filled", D(1), D("49.75"))
    assert third.status == "accepted"
    with desk.db.read_session() as session:
        fills = sorted((f.qty, f.price) for f in session.scalars(select(Fill)))
    assert fills == [(D("0.4"), D("50.5")), (D(1), D("49.75"))]


def test_a_single_open_order_is_asked_for_alone(desk: Desk, asked: list[str]) -> None:
    resting, buyer = desk.start(RESTING), desk.start()
    _bar(desk, [resting, buyer], 0)
    asked.clear()
    assert _bar(desk, [resting, buyer], 1) == {resting: "done: 0 order(s)", buyer: "done: 1 order(s)"}
    assert asked == ["one"]  # a list would cost the same request
