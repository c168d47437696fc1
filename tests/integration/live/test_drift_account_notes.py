"""The drift report says what the run's broker account did that its backtest never meets (trial 24: a run whose
six orders were refused against another run's short had a report with no note, and a crypto run's every sale
was smaller than its backtest's with no word why; the report even said live held coins the fee had taken)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.bootstrap import Container
from app.services.drift import _decisions
from app.services.drift_account import account_notes
from app.walle.models import Fill, Order
from tests.integration.foundation.factories import make_run

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_shared_account_short_buying_power_and_coin_fees_are_noted(pg: Container) -> None:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", symbols=["BTC/USD"], status="running"))
        uow.session.flush()
        uow.outbox.emit("run.account_shared", {"run_id": run.id, "symbols": ["BTC/USD"], "others": ["x"],
                                               "detail": "this run shares the paper account"}, run_id=run.id)
        uow.outbox.emit("run.buying_power_short", {"run_id": run.id, "cash": "100000", "buying_power": "90099.04",
                                                   "detail": "the paper account's buying power is 90,099.04, less "
                                                             "than this run's cash of 100,000.00"}, run_id=run.id)
        for n, (side, qty, coins) in enumerate((("buy", "0.5", "0.00125"), ("buy", "0.2", "0.0005"),
                                                ("sell", "0.69825", "0"))):
            order = Order(run_id=run.id, client_order_id=f"{run.id}-{n}", symbol="BTC/USD", side=side, type="market",
                          time_in_force="gtc", qty=Decimal(qty), status="filled", submitted_at=T0)
            uow.session.add(order)
            uow.session.flush()
            uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="BTC/USD", side=side, qty=Decimal(qty),
                                 price=Decimal(60000), fee=Decimal(coins) * 60000, fee_qty=Decimal(coins),
                                 ts=T0 + timedelta(minutes=n)))
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        notes = account_notes(session, run_id)
        _, held = _decisions(session, run_id)
    assert notes == [
        "Shared account: other runs traded BTC/USD on this run's broker account while it ran (run.account_shared). "
        "The broker keeps one position per symbol per account, so an order of this run could be refused against the "
        "other runs' positions or orders (\"insufficient qty available\", or an order that could trade against the "
        "account's own), where its backtest traded alone.",
        "Buying power: at its start, the paper account's buying power is 90,099.04, less than this run's cash of "
        "100,000.00 (run.buying_power_short); its backtest spent its own cash.",
        "Coin fees: the broker took the fee of 2 crypto buy fills in the coin (0.00175 BTC in all), so live held, and "
        "sold, that much less than the backtest, whose fee model charges dollars on both sides."]
    assert sum(qty for _, qty, _ in held) == 0  # the fee's coins never held: the sale of 0.69825 left it flat


def test_a_run_alone_on_its_account_gets_no_account_notes(pg: Container) -> None:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running"))
        uow.session.flush()
        uow.outbox.emit("run.account_shared", {"run_id": run.id, "symbols": [], "others": [],
                                               "detail": "no longer shares"}, run_id=run.id)
        uow.commit()
        run_id = run.id
    with pg.read_session() as session:
        assert account_notes(session, run_id) == []
