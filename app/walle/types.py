"""Column types that keep money exact and times in UTC on both Postgres and SQLite.

SQLite has neither NUMERIC with exact decimals nor time zones, and SQLAlchemy warns when Decimal
values meet it, so these decorators store decimals as text and datetimes as naive UTC there,
while Postgres gets real NUMERIC and timestamptz columns.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """timestamptz on Postgres; refuses naive datetimes and always returns aware UTC values."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Weaver stores only timezone-aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Exact(TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) on Postgres, decimal text on SQLite; values quantized to scale.

    On SQLite the column is a plain VARCHAR with no length: SQLite ignores declared lengths, so a
    length would only be a second, untrue statement of the precision, and changing it would make
    a migration rebuild every table holding the column (databases made before revision 0002 say
    VARCHAR(precision + 2); Alembic's type comparison accepts both).
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 20, scale: int = 2):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)
        # Enough digits for any value the column holds (the default context stops at 28).
        self._context = Context(prec=max(precision, 28), rounding=ROUND_HALF_EVEN)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | int | str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not exact; pass Decimal, int or str for money and prices")
        quantized = Decimal(value).quantize(self._quantum, context=self._context)
        return str(quantized) if dialect.name == "sqlite" else quantized

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).quantize(self._quantum, context=self._context)


def Money() -> Exact:  # noqa: N802 - reads like a type in column declarations
    """Cash and P&L: cents are the unit, with two extra places so fees sum exactly."""
    return Exact(20, 4)


def Price() -> Exact:  # noqa: N802
    """Prices of any asset, exactly as the data or the broker gives them: 12 decimal places hold a
    sub-cent token at 0.0000123 or a 1e-9 crypto increment, 18 integer digits any price at all."""
    return Exact(30, 12)


def Quantity() -> Exact:  # noqa: N802
    """Shares: Alpaca allows fractional quantities to 9 decimal places."""
    return Exact(28, 9)
