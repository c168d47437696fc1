"""What a stop with close_positions says it did (the `run.positions_closed` detail, shown by the UI and the CLI),
and the orders it records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from app.services.specs import RunStop
from app.veda.flatten import Closed, closed_text
from app.veda.gateway import LiveGateway
from app.walle.models import Position
from tests.unit.veda.conftest import Desk


def closed(side: str, qty: str, symbol: str, status: str, filled: str = "0", price: str | None = None,
           reason: str | None = None) -> Closed:
    return Closed(f"run-1-{symbol}-stop", symbol, side, qty, status, filled, price, reason)


def test_each_close_in_words():
    assert closed_text([closed("sell", "52", "AAPL", "filled", "52", "187.5"),
                        closed("buy", "10", "TSLA", "accepted"),
                        closed("sell", "0.5", "BTC/USD", "partially_filled", "0.2"),
                        closed("sell", "3", "MSFT", "rejected", reason="market is closed")]) == (
        "sold 52 AAPL, filled at 187.5; bought 10 TSLA: still working at the broker, booked when it fills; "
        "sold 0.5 BTC/USD: still working at the broker (0.2 filled so far), booked when it fills; "
        "sold 3 MSFT: rejected (market is closed)")
    assert closed_text([]) == "the run held nothing to close"
    # an average of executions at several prices reads to four places (trial 23: "filled at 119.993333333333")
    assert closed_text([closed("sell", "21", "NVDA", "filled", "21", "119.993333333333")]) == (
        "sold 21 NVDA, filled at 119.9933 on average")
    # grouped as the page's other money (trial 41: "filled at 60006.08")
    assert closed_text([closed("sell", "0.26", "BTC/USD", "filled", "0.26", "60006.08"),
                        closed("sell", "0.1", "ETH/USD", "filled", "0.1", "3001.123456")]) == (
        "sold 0.26 BTC/USD, filled at 60,006.08; sold 0.1 ETH/USD, filled at 3,001.1235 on average")


def test_closing_needs_the_cancels():
    assert RunStop().close_positions is False
    assert RunStop(close_positions=True).cancel_orders is True
    with pytest.raises(ValidationError, match="leave cancel_orders true"):
        RunStop(close_positions=True, cancel_orders=False)


def test_a_fractional_share_position_is_closed_with_a_day_order_and_a_whole_one_as_asked(desk: Desk) -> None:
    """Alpaca (and the local exchange) refuse a fractional equity order that is not DAY: a stop-and-close of
    0.5 share as the strategy's `close()` sends it (GTC) would be rejected."""
    run_id = desk.start(options={"fractional": True})
    with desk.db.uow() as uow:
        for symbol, qty in (("ZZZ", "0.5"), ("YYY", "-3")):
            uow.session.add(Position(run_id=run_id, symbol=symbol, qty=Decimal(qty), avg_price=Decimal(100)))
        uow.commit()
    gateway = LiveGateway(desk.db.uow, desk.broker, run_id, desk.clock)

    new, working = gateway.record_closes(1_717_250_000 * 10**9)

    assert len(new) == 2 and working == []
    sent = {order.symbol: order for _, order in gateway.to_send}
    assert (sent["ZZZ"].side.value, sent["ZZZ"].qty, sent["ZZZ"].time_in_force.value) == ("sell", 0.5, "day")
    assert (sent["YYY"].side.value, sent["YYY"].qty, sent["YYY"].time_in_force.value) == ("buy", 3.0, "gtc")
    assert sorted(o.client_order_id for o in gateway.orders.values()) == [
        f"{run_id}-1717250000-1-stop", f"{run_id}-1717250000-2-stop"]
