"""The account view the Live page shows is the live worker's snapshot of the broker: an open order's filled
part is in it (trial 41: "AAPL buy market 105, Filled 0, partially_filled" while the account held 33)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.bootstrap import Container
from app.clock.system import SystemClock
from app.veda.ports import Account, BrokerOrder
from app.veda.snapshots import record_snapshot
from app.walle.models import AccountSnapshot

WORKING = BrokerOrder(id="o-1", client_order_id="c-1", symbol="AAPL", side="buy", status="partially_filled",
                      qty=Decimal(105), filled_qty=Decimal(33), filled_avg_price=Decimal("190.125"),
                      submitted_at=datetime(2026, 12, 7, 23, 57, 19, tzinfo=UTC))


class OneOrderBroker:
    """The broker port, answering what the snapshot reads."""

    def account(self) -> Account:
        return Account(cash=Decimal("93725.88"), equity=Decimal("100000"), buying_power=Decimal("93725.88"),
                       last_equity=Decimal("100000"), status="ACTIVE")

    def positions(self) -> list:
        return []

    def open_orders(self) -> list[BrokerOrder]:
        return [WORKING]


def test_an_open_orders_filled_part_is_in_the_account_view(pg: Container) -> None:
    with pg.uow() as uow:
        record_snapshot(uow, "paper", OneOrderBroker(), SystemClock())  # type: ignore[arg-type]
        uow.commit()
    with pg.read_session() as session:
        [order] = session.get(AccountSnapshot, "paper").open_orders
    assert (order["qty"], order["filled_qty"], order["filled_avg_price"], order["status"]) == (
        "105", "33", "190.125", "partially_filled")
