"""What the owner is told of an order that ended part-filled and of a kill switch that left positions open
(trial 33: a buy that filled 85 of 105 and was canceled went untold, so the next message sold shares never
bought; "kill switch activated" said nothing of the 104 AAPL and 14 SPY still held)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.bootstrap import Container
from app.events.envelope import Event
from app.notifications.messages import TOLD, Describer
from app.walle.models import Order, Position
from tests.integration.foundation.factories import make_run

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def paper_run_with(pg: Container, *, filled: str, qty: str = "105",
                   avg: str | None = "189.884470588235") -> tuple[str, str]:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", name="desk A", timeframe="1Sec", status="running"))
        uow.session.flush()
        order = Order(run_id=run.id, client_order_id=f"{run.id}-1", symbol="AAPL", side="buy", type="market",
                      time_in_force="day", qty=Decimal(qty), status="canceled", filled_qty=Decimal(filled),
                      filled_avg_price=None if avg is None else Decimal(avg), submitted_at=NOW)
        uow.session.add(order)
        uow.session.flush()
        ids = run.id, order.id
        uow.commit()
    return ids


def told(pg: Container, kind: str, payload: dict) -> object:
    with pg.read_session() as session:
        return Describer().describe(Event(kind, payload), session)


def test_an_order_canceled_after_filling_part_of_it_is_told_with_what_filled(pg: Container) -> None:
    assert "order.canceled" in TOLD and "order.expired" in TOLD
    run_id, order_id = paper_run_with(pg, filled="85")
    message = told(pg, "order.canceled", {"run_id": run_id, "order_id": order_id, "symbol": "AAPL"})
    assert message.title == "Weaver: BUY 85 of 105 AAPL filled @ 189.8845, the rest canceled"  # type: ignore
    assert message.body == f"paper run desk A ({run_id[:8]}): the order canceled after filling 85 of 105."  # type: ignore
    assert message.level == "warning"  # type: ignore


def test_an_order_canceled_with_nothing_filled_is_not_told(pg: Container) -> None:
    run_id, order_id = paper_run_with(pg, filled="0", avg=None)
    assert told(pg, "order.canceled", {"run_id": run_id, "order_id": order_id, "symbol": "AAPL"}) is None


def test_a_fill_price_is_told_to_four_places_at_most(pg: Container) -> None:
    run_id, order_id = paper_run_with(pg, filled="105", avg="409.896458333333")
    assert told(pg, "order.filled", {"run_id": run_id, "order_id": order_id, "symbol": "AAPL"}).title == (  # type: ignore
        "Weaver: filled BUY 105 AAPL @ 409.8965")
    exact, exact_id = paper_run_with(pg, filled="105", avg="190.50")
    assert told(pg, "order.filled", {"run_id": exact, "order_id": exact_id, "symbol": "AAPL"}).title.endswith("@ 190.5")  # type: ignore


def test_the_kill_switch_says_which_positions_it_left_open(pg: Container) -> None:
    run_id, _ = paper_run_with(pg, filled="85")
    other, _ = paper_run_with(pg, filled="0", avg=None)
    with pg.uow() as uow:
        uow.session.add_all([Position(run_id=run_id, symbol="AAPL", qty=Decimal(104), avg_price=Decimal(190)),
                             Position(run_id=other, symbol="SPY", qty=Decimal(14), avg_price=Decimal(500)),
                             Position(run_id=other, symbol="MSFT", qty=Decimal(0), avg_price=Decimal(400))])
        uow.commit()
    message = told(pg, "kill.activated", {"runs": 2, "orders": 1, "run_ids": [run_id, other]})
    assert message.body == ("2 run(s) stopped, 1 open order(s) cancelled. Positions left open (the kill switch "  # type: ignore
                            "closes none): 104 AAPL, 14 SPY.")
    flat = told(pg, "kill.activated", {"runs": 0, "orders": 0, "run_ids": []})
    assert flat.body == "0 run(s) stopped, 0 open order(s) cancelled."  # type: ignore
