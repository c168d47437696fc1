"""Average-cost position bookkeeping for one run and one symbol (pure, exact decimals)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.decimal_text import decimal_text

ZERO = Decimal(0)
CENT = Decimal("0.01")
PRICE = Decimal("1e-12")  # prices are stored as NUMERIC(30,12)
QTY = Decimal("1e-9")  # quantities as NUMERIC(·,9): Alpaca's fractional shares


@dataclass(frozen=True)
class Holding:
    qty: Decimal = ZERO  # negative when short
    avg_price: Decimal = ZERO
    realized_pl: Decimal = ZERO


def qty_text(qty: Decimal) -> str:
    """A position's quantity as the positions endpoint writes it (9 places): an event said "4" for a
    new position and "16.000000000" for one read back from the database."""
    return decimal_text(qty.quantize(QTY))


def apply_fill(holding: Holding, side: str, qty: Decimal, price: Decimal, fee: Decimal = ZERO) -> Holding:
    """The holding after a fill: adding keeps an average cost, reducing books realised P&L,
    crossing through zero opens the other side at the fill price."""
    signed = qty if side == "buy" else -qty
    old = holding.qty
    new = old + signed
    realized = holding.realized_pl - fee
    if old == 0 or (old > 0) == (signed > 0):  # opening or adding
        avg = (holding.avg_price * abs(old) + price * qty) / abs(new) if new != 0 else ZERO
        return Holding(new, avg.quantize(PRICE), realized)
    closing = min(abs(signed), abs(old))
    direction = Decimal(1) if old > 0 else Decimal(-1)
    realized += (price - holding.avg_price) * closing * direction
    if new == 0:
        return Holding(ZERO, ZERO, realized)
    if (new > 0) == (old > 0):  # partly closed
        return Holding(new, holding.avg_price, realized)
    return Holding(new, price, realized)  # flipped through zero


def settled(qty: Decimal, price: Decimal) -> Decimal:
    """What a fill moves in cash: qty × price settled to the cent, half up, per fill, as the broker's account
    moves it (trial 24: a crypto run kept qty × price to 1e-4 and ended $0.04 off its account after 64 fills)."""
    return (qty * price).quantize(CENT, rounding=ROUND_HALF_UP)


def cash_flow(side: str, qty: Decimal, price: Decimal, fee: Decimal, fee_qty: Decimal | None) -> Decimal:
    """What one fill did to cash: its settled value in (a sale) or out (a buy), less the fee paid in dollars."""
    value = settled(qty, price)
    return (value if side == "sell" else -value) - cash_fee(fee, fee_qty)


def cash_fee(fee: Decimal, fee_qty: Decimal | None) -> Decimal:
    """What a fill's fee took from cash: all of it, unless it was taken in the coin (`fee_qty`: a crypto
    buy's fee, whose value `fee` is then lost from the position, not from cash)."""
    return fee if not fee_qty else ZERO
