"""Instruments: one row per symbol, written by whoever learns its asset class (broker, fetch, import)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.walle.models.base import utcnow
from app.walle.models.instruments import ASSET_CLASSES, InstrumentRow

Number = Decimal | str | int


class InstrumentRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, symbol: str) -> InstrumentRow | None:
        return self.session.get(InstrumentRow, symbol)

    def all(self) -> Sequence[InstrumentRow]:
        return self.session.scalars(select(InstrumentRow).order_by(InstrumentRow.symbol)).all()

    def asset_classes(self, symbols: Sequence[str]) -> dict[str, str]:
        """symbol → stored asset class, for those of `symbols` with an instrument (the broker's assets can
        be thousands of rows: only the ones asked for are read)."""
        if not symbols:
            return {}
        rows = self.session.execute(select(InstrumentRow.symbol, InstrumentRow.asset_class)
                                    .where(InstrumentRow.symbol.in_(list(symbols))))
        return {symbol: asset_class for symbol, asset_class in rows}

    def upsert(self, symbol: str, asset_class: str, price_increment: Number | None, qty_increment: Number | None,
               source: str) -> InstrumentRow:
        """Create or replace what is known of `symbol` (the latest source wins), in one statement so
        two writers learning the same symbol at once do not collide. An increment of None: none applies."""
        if asset_class not in ASSET_CLASSES:
            raise ValueError(f"unknown asset class {asset_class!r}: expected one of {', '.join(ASSET_CLASSES)}")
        for name, increment in (("price", price_increment), ("qty", qty_increment)):
            if increment is not None and not Decimal(increment) > 0:
                raise ValueError(f"{name} increment of {symbol} must be positive, not {increment}")
        values = {
            "asset_class": asset_class,
            "price_increment": None if price_increment is None else Decimal(price_increment),
            "qty_increment": None if qty_increment is None else Decimal(qty_increment),
            "source": source,
            "updated_at": utcnow(),
        }
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement = insert(InstrumentRow).values(symbol=symbol, **values)
        self.session.execute(statement.on_conflict_do_update(index_elements=[InstrumentRow.symbol], set_=values))
        row = self.session.get(InstrumentRow, symbol, populate_existing=True)
        assert row is not None
        return row
