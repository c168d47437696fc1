"""Exact money as integers inside the broker; Decimal at every boundary (records, gateway answers).

Units (integers, so a fill costs a few integer operations instead of a few dozen Decimal ones):
- prices in 1/10,000 of a dollar: a fill price is the bar's float rounded to 4 decimals, half-even
  on its exact binary value (`price_units`, the same digits as f"{x:.4f}");
- quantities in 1/QS of a share: QS = 1 for whole-share runs, 10**9 for fractional ones (Alpaca
  allows 9 decimals);
- cash, fill values and fees in cents: a fill's value qty × price is rounded to the cent half-even,
  and fees are rounded up to the cent per fill (app/greta/fees.py);
- "vq" units, 1/(10,000 × QS) of a dollar, where qty × price is exact: equity and market values.
Floats appear only inside vectorised maths (indicators, the equity curve's marks, metrics).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

PRICE_SCALE = 10_000
FRACTIONAL_SCALE = 10**9
ZERO = Decimal(0)
CENT = Decimal("0.01")
PRICE = Decimal("0.0001")


def price_units(value: float) -> int:
    """Correctly rounded 4-decimal price in units of $0.0001 (round(x, 4) is exact decimal rounding)."""
    return round(round(value, 4) * PRICE_SCALE)


def price_units_of(price: Decimal) -> int:
    return int(price.scaleb(4))


def round_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-even (denominator > 0)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = remainder * 2
    if twice > denominator or (twice == denominator and quotient & 1):
        quotient += 1
    return quotient


def cents_up(value: Decimal) -> Decimal:
    """Round a fee up to the cent."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def to_price(units: int) -> Decimal:
    return Decimal(units).scaleb(-4)


def to_cash(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


class Quantities:
    """Share counts ↔ integer units for one run (whole shares or 9-decimal fractions)."""

    def __init__(self, fractional: bool):
        self.scale = FRACTIONAL_SCALE if fractional else 1
        self.places = 9 if fractional else 0
        self._scale_decimal = Decimal(self.scale)

    def units(self, qty: Decimal) -> int | None:
        """Units of a requested quantity, or None if it has more decimals than the run allows."""
        scaled = qty.scaleb(self.places) if self.places else qty
        whole = int(scaled)
        return whole if whole == scaled else None

    def decimal(self, units: int) -> Decimal:
        if not units:
            return ZERO
        return Decimal(units) if self.scale == 1 else Decimal(units) / self._scale_decimal

    def value_cents(self, units: int, price: int) -> int:
        """qty × price rounded to the cent, half-even."""
        return round_half_even(units * price, self.scale * 100)
