"""Reading stored bars into arrays (Postgres: one binary COPY viewed by numpy) gives back exactly what
was stored: times before and after 2000 (Postgres's epoch) to the microsecond, prices and volumes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

from app.bootstrap import Container
from app.walle.repositories import BarRepository


def test_bars_come_back_as_stored(any_db: Container) -> None:
    stamps = [datetime(1990, 5, 1, 13, 30, tzinfo=UTC), datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
              datetime(2000, 1, 1, tzinfo=UTC), datetime(2026, 12, 2, 20, 0, 0, 250000, tzinfo=UTC)]
    close = [Decimal("0.000012345"), Decimal("98.04861"), Decimal("1.06956495"), Decimal("70123.5")]
    with any_db.uow() as uow:
        uow.bars.insert_columns("XYZ", "1Min", stamps, close, close, close, close,
                                [Decimal("1.5"), 0, 7, Decimal("123456789.123456789")], source="test")
        uow.commit()
    with any_db.read_session() as session:
        loaded = BarRepository(session).load("XYZ", "1Min")
        window = BarRepository(session).load("XYZ", "1Min", start=stamps[1], end=stamps[2] + timedelta(seconds=1))
    expected_ns = [int((t - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1)) * 1000 for t in stamps]
    assert loaded.ts.tolist() == expected_ns
    assert loaded.close.tolist() == [float(c) for c in close] and loaded.open.dtype == np.float64
    assert loaded.volume.tolist() == [1.5, 0.0, 7.0, 123456789.123456789]
    assert window.ts.tolist() == expected_ns[1:3]
    with any_db.read_session() as session:
        assert len(BarRepository(session).load("NONE", "1Min")) == 0
