"""Decimal helpers: Alpaca sends money and quantities as strings, so the exchange keeps them exact."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")
QTY_STEP = Decimal("0.000000001")  # Alpaca accepts up to 9 decimals on qty and notional


def to_decimal(value: object) -> Decimal:
    """Parse a JSON number or numeric string exactly (floats go through their shortest repr)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def fmt(value: Decimal | None) -> str | None:
    """Alpaca's string form: no exponent, no trailing zeros ("100", "174.78", "-0.5")."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def cents(value: Decimal) -> Decimal:
    """Money is settled to the cent, half up, per fill."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_decimal(value: float) -> Decimal:
    """A market price (float from the price process) as an exact cent amount."""
    return Decimal(repr(round(float(value), 2))).quantize(CENT, rounding=ROUND_HALF_UP)


def floor_qty(value: Decimal) -> Decimal:
    """Quantities are truncated to Alpaca's 9 decimals (never round a buy up past the cash)."""
    return value.quantize(QTY_STEP, rounding=ROUND_DOWN)


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A percentage "by a factor of 1", as Alpaca reports *_plpc and change_today."""
    if denominator == 0:
        return ZERO
    return (numerator / denominator).quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_UP)
