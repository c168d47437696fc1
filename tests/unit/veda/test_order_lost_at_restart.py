"""An order recorded but lost with its worker before it reached the broker is told as such after the restart
(trial 35: a SELL 1 SPY so lost read "was submitted; the broker does not know it", told nowhere, and the run
kept the share it had decided to sell)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.events.envelope import Event
from app.notifications.messages import Describer
from app.walle.models import Order, OutboxEvent
from tests.unit.veda.conftest import FIRST_BAR, MINUTE, Desk


def test_an_order_never_sent_is_marked_unknown_with_what_it_was_and_told(desk: Desk) -> None:
    run_id = desk.start()
    assert desk.tick(run_id, 0) == "done: 1 order(s)"
    bar = FIRST_BAR + MINUTE
    with desk.db.uow() as uow:  # decided and recorded on the next bar; the worker died before sending it
        uow.session.add(Order(run_id=run_id, client_order_id=f"{run_id}-{int(bar.timestamp())}-1", symbol="ZZZ",
                              side="sell", type="market", time_in_force="day", qty=Decimal(1), status="submitted",
                              bar_ts=bar, submitted_at=bar + MINUTE))
        uow.commit()

    desk.live.reconcile()  # what the live worker does first when it starts again

    with desk.db.read_session() as session:
        lost = session.scalars(select(Order).where(Order.run_id == run_id, Order.side == "sell")).one()
        event = session.scalars(select(OutboxEvent).where(OutboxEvent.type == "reconcile.repaired")).one()
        assert lost.status == "unknown"
        detail = event.payload["detail"]
        assert detail == ("SELL 1 ZZZ, decided on the bar of 2024-05-01T14:01:00Z, never reached the broker: the "
                          "worker stopped before sending it. It is not sent again (its bar has passed): the run "
                          "holds what it held before it")
        told = Describer().describe(Event(event.type, event.payload, run_id=run_id), session)
    assert told is not None and told.level == "warning"
    assert "lost an order at a restart" in told.title and told.body == detail
