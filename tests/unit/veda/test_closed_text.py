"""What a stop with close_positions says it did (the `run.positions_closed` detail, shown by the UI and the CLI)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.services.specs import RunStop
from app.veda.flatten import Closed, closed_text


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


def test_closing_needs_the_cancels():
    assert RunStop().close_positions is False
    assert RunStop(close_positions=True).cancel_orders is True
    with pytest.raises(ValidationError, match="leave cancel_orders true"):
        RunStop(close_positions=True, cancel_orders=False)
