"""A decimal in an export reads as the value it is, not the column's scale: a stored quantity 686 is `686`
(the database gives 686.000000000), a price 145.69 is `145.69`, and tiny crypto figures keep every digit."""

from __future__ import annotations

from decimal import Decimal

from app.services.exports import exact_text


def test_the_columns_padding_is_dropped_and_no_digit_is_lost() -> None:
    stored = ("686.000000000", "145.690000000000", "1.5000", "0.000000123", "0.000012345000", "0.0000", "-0E-9",
              "-12.3400", "100.0000", "1E+2", "123456789012345678.000000000001")
    assert [exact_text(Decimal(s)) for s in stored] == [
        "686", "145.69", "1.5", "0.000000123", "0.000012345", "0", "0", "-12.34", "100", "100",
        "123456789012345678.000000000001"]
