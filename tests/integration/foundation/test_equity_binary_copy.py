"""An equity curve goes to Postgres as binary COPY rows built by numpy (app/walle/binary_copy.py): what is
stored is exactly what the curve's points say (the values the SQLite path writes from `points()`), to the
$0.0001 and the microsecond, for negative, zero, large and sub-cent amounts and for times before 2000."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
from sqlalchemy import select, text

from app.bootstrap import Container
from app.greta.records import EquityCurve
from app.services.results import _write_equity
from app.walle.models import EquityPoint, Run

AMOUNTS = [0, 1, -1, 9_999, 10_000, 10_001, -123_456_789, 1_000_000_000_000_000_000, -1_000_000_000_000_000_000,
           9_999_999_999_999_999, 120_050_000]  # units of $0.0001; 10**18 is $100 trillion
MOMENTS = [datetime(1999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC),
           datetime(2026, 3, 9, 13, 30, tzinfo=UTC), datetime(2026, 3, 9, 13, 30, 0, 250_001, tzinfo=UTC)]


def _ns(moment: datetime) -> int:
    return (int(moment.timestamp()) * 1_000_000 + moment.microsecond) * 1000


def _curve() -> EquityCurve:
    count = len(AMOUNTS)
    ts = np.array([_ns(MOMENTS[i % len(MOMENTS)]) + i * 86_400 * 10**9 for i in range(count)], dtype=np.int64)
    amounts = np.array(AMOUNTS, dtype=np.int64)
    return EquityCurve(ts, amounts, amounts[::-1].copy(), np.roll(amounts, 3))


def test_the_binary_rows_store_exactly_the_curves_points(pg: Container) -> None:
    curve = _curve()
    with pg.uow() as uow:
        run = uow.runs.add(Run(mode="backtest", name="binary", strategy="sma_cross", params={}, symbols=["AAPL"],
                               timeframe="1Day", cash=Decimal("10000"), fees={}, slippage={}, options={},
                               status="created"))
        uow.session.flush()
        _write_equity(uow, run.id, SimpleNamespace(equity=curve))  # type: ignore[arg-type]
        uow.commit()
        run_id = run.id
    with pg.session_factory() as session:
        stored = session.scalars(select(EquityPoint).where(EquityPoint.run_id == run_id)
                                 .order_by(EquityPoint.ts)).all()
        texts = dict(session.execute(text("SELECT ts, equity::text FROM equity_points WHERE run_id = :r"),
                                     {"r": run_id}).all())
    expected = sorted(curve.points(), key=lambda p: p.ts)
    assert [(p.ts, p.equity, p.cash, p.benchmark) for p in stored] == [
        (p.ts, p.equity, p.cash, p.benchmark) for p in expected]
    assert stored[0].ts == MOMENTS[0]  # before Postgres's epoch, to the microsecond
    given = [p.ts for p in curve.points()]  # in the order of AMOUNTS
    assert [texts[given[i]] for i in range(4)] == ["0.0000", "0.0001", "-0.0001", "0.9999"]  # the column's 4 places
    assert texts[given[6]] == "-12345.6789"
    assert texts[given[8]] == "-100000000000000.0000"
