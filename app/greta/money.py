"""Exact money as integers inside the broker; Decimal at every boundary (records, gateway answers).

Units (integers, so a fill costs a few integer operations instead of a few dozen Decimal ones):
- prices in 1e-12 of a dollar (the stored precision, NUMERIC(30,12)): a price is exactly the data's
  value, its float's shortest decimal (`price_units`: 1.06956 is 1069560000000), so nothing is put
  on a grid the data did not use; only order prices sit on an instrument's step (app/marvin/instruments.py);
- quantities in 1/QS of a share: QS = 1 for whole-share runs, 10**9 for fractional ones (Alpaca
  allows 9 decimals, and crypto always trades them);
- cash, fill values and fees in cents: a fill's value qty × price is rounded to the cent half up,
  as the broker settles it (the local exchange, and Veda after it: app/veda/positions.settled), and
  fees are rounded up to the cent per fill (app/greta/fees.py);
- "vq" units, 1/(10**12 × QS) of a dollar, where qty × price is exact: sizing and buying power.
Floats appear only inside vectorised maths (indicators, the equity curve's marks, metrics).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

PRICE_PLACES = 12
PRICE_SCALE = 10**PRICE_PLACES
FRACTIONAL_SCALE = 10**9
ZERO = Decimal(0)
CENT = Decimal("0.01")
E4 = Decimal("0.0001")
UNIQUE_UNITS = 8192 * PRICE_SCALE  # below $8,192 a float's spacing is under 1e-12: one 12-place decimal at most
_SHORT: dict[float, int] = {}


def price_units(value: float) -> int:
    """The price in units of 1e-12 dollar: the float's shortest decimal (what the data said), or,
    past 12 decimals (float noise of computed prices), that decimal rounded half-even."""
    units = round(value * 1e12)
    if units < UNIQUE_UNITS and units / 1e12 == value:  # the only 12-place decimal of this float
        return units
    cached = _SHORT.get(value)
    if cached is None:
        if len(_SHORT) > 65536:
            _SHORT.clear()
        cached = _SHORT[value] = int(Decimal(repr(value)).scaleb(PRICE_PLACES).to_integral_value())
    return cached


def price_units_of(price: Decimal) -> int:
    return int(price.scaleb(PRICE_PLACES).to_integral_value())


def mark_e4(qty_units: int, close: float, scale: int) -> int:
    """A position's value at a mark, in $0.0001: qty × the exact close, rounded once (the equity curve
    does the same float operations, vectorised, so the two always agree)."""
    return round(qty_units * close * 1e4 / scale)


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
    """Price units as a Decimal with no trailing zeros past the cent (98.0486411, 1.50, 0.0000123)."""
    price = Decimal(units).scaleb(-PRICE_PLACES)
    cents = price.quantize(CENT)
    return cents if cents == price else price.normalize()


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
        """qty × price settled to the cent, half up (as the broker's account moves it)."""
        unit = self.scale * PRICE_SCALE // 100
        value, remainder = divmod(units * price, unit)
        return value + 1 if remainder * 2 >= unit else value
