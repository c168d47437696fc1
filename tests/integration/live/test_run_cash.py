"""A live run's cash is its starting cash plus what its fills brought in, each fill settled to the cent (half
up) as the broker's account settles it, on both backends (Postgres sums NUMERIC in SQL; SQLite, which stores
decimals as text, sums in Python). Trial 24: kept to 1e-4, a crypto run ended $0.04 off its account."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from app.bootstrap import Container
from app.veda.ledger import run_cash
from app.walle.models import Fill, Order
from tests.integration.foundation.factories import make_run

FILLS = [("buy", "10", "190.1234", "0.00"), ("buy", "0.5", "190.0001", "0.01"), ("sell", "7", "191.9999", "0.02"),
         ("sell", "3.5", "189.5", "0.03")]


def test_run_cash_is_exact_and_counts_only_the_runs_own_fills(any_db: Container) -> None:
    stamp = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    with any_db.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", cash=Decimal("10000.00"), status="running"))
        other = uow.runs.add(make_run(mode="paper", cash=Decimal("5000.00"), status="running"))
        uow.session.flush()
        for index, (side, qty, price, fee) in enumerate(FILLS):
            for owner in (run, other):
                order = Order(run_id=owner.id, client_order_id=f"{owner.id}-{index}", symbol="AAPL", side=side,
                              type="market", time_in_force="day", qty=Decimal(qty), status="filled",
                              submitted_at=stamp)
                uow.session.add(order)
                uow.session.flush()
                uow.session.add(Fill(run_id=owner.id, order_id=order.id, symbol="AAPL", side=side, qty=Decimal(qty),
                                     price=Decimal(price), fee=Decimal(fee), ts=stamp))
        uow.session.add(Fill(run_id=other.id, order_id=order.id, symbol="AAPL", side="buy", qty=Decimal(1),
                             price=Decimal(100), fee=Decimal(0), ts=stamp))
        uow.commit()
        run_id, other_id = run.id, other.id
    expected = Decimal("10000.00")
    for side, qty, price, fee in FILLS:
        value = (Decimal(qty) * Decimal(price)).quantize(Decimal("0.01"), ROUND_HALF_UP)  # 1901.234 → 1901.23
        expected += (value if side == "sell" else -value) - Decimal(fee)
    with any_db.uow() as uow:
        assert run_cash(uow, uow.runs.get(run_id)) == expected == Decimal("10010.96")  # (unsettled: 10010.95525)
        assert run_cash(uow, uow.runs.get(other_id)) == expected - Decimal(5000) - Decimal(100)
