"""Selling a crypto position at a broker that took the buy's fee in the coin.

Alpaca charges a crypto fee in the asset the fill credits: a buy of 0.5 BTC leaves 0.49875 BTC in the
account (25 bps taker), while the run's fills say 0.5. A sale of the run's whole position would then be
refused (insufficient qty), so a sale that reduces a long is sized, just before it is sent, to what the
account holds; the coins missing from the account are booked as the fee the buys paid (the run's
position down by them, its realized P&L down by their cost). Cash does not move: the fee was coins.

With several runs holding the same coin on one account, the account's total is what caps each sale,
so the fee coins are booked by the run that sells last.
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

    def on_account(self, account_holds: Decimal) -> tuple[Decimal, Decimal]:
        """(qty to send, coins to book as fees already taken). Unchanged when the account holds enough."""
        if self.qty <= account_holds or self.qty > self.run_holds:
            return self.qty, ZERO
        account_holds = max(account_holds, ZERO)
        return (account_holds // self.step) * self.step, self.qty - account_holds  # off-step coins stay held


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
