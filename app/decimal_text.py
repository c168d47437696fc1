"""Decimals on the wire: exact and in positional notation, as a trader reads them.

`str(Decimal)` switches to an exponent for small or zero-with-scale values (a closed position's qty
`0E-9`, a fee of `1.2E-7`), which no person or spreadsheet expects; `format(d, "f")` writes every
digit the value holds and no exponent. Negative zero is written as zero.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer


def decimal_text(value: Decimal) -> str:
    """`0E-9` → `0.000000000`, `1.2E-7` → `0.00000012`, `1E+2` → `100`; the value's own scale is kept."""
    if value.is_zero():
        value = abs(value)
    return format(value, "f")


DecimalText = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="json")]
"""A Decimal field that a model writes to JSON as `decimal_text` (responses and event payloads)."""
