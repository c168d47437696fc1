"""Selling a crypto position whose buys' coin fees are not booked yet.

Alpaca charges a crypto buy's fee in the coin: a buy of 0.5 BTC leaves 0.49875 BTC (25 bps taker).
Veda books that fee from the broker's CFEE activity right after the fill (app/veda/fee_booking.py),
so the run's position is the account's. Until it is booked (the activities did not answer, or a
broker posts its fees later, as Alpaca has at the end of the day), the run holds more than the
account, and a sale of its whole position would be refused (insufficient qty): a sale that reduces
a long is sized, just before it is sent, to what the account holds. The coins it leaves are the
fee, which comes off the position when its CFEE is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.veda.ports import BrokerPosition

ZERO = Decimal(0)


@dataclass(frozen=True)
class CryptoSale:
    """A sale from a run's long crypto position, waiting to be sent."""

    symbol: str
    qty: Decimal  # what the run decided to sell
    run_holds: Decimal  # the run's position when it decided
    step: Decimal  # the instrument's quantity step

    def on_account(self, account_holds: Decimal) -> Decimal:
        """The qty to send: as decided when the account holds enough, else what it holds (on the step)."""
        if self.qty <= account_holds or self.qty > self.run_holds:
            return self.qty
        return (max(account_holds, ZERO) // self.step) * self.step


def account_holdings(positions: list[BrokerPosition]) -> dict[str, Decimal]:
    """The account's long quantities by symbol, under both spellings of a pair (Alpaca answers BTCUSD
    or BTC/USD)."""
    held: dict[str, Decimal] = {}
    for position in positions:
        qty = max(position.signed_qty, ZERO)
        held[position.symbol] = qty
        held[position.symbol.replace("/", "")] = qty
    return held


def holding(held: dict[str, Decimal], symbol: str) -> Decimal:
    return held.get(symbol, held.get(symbol.replace("/", ""), ZERO))
