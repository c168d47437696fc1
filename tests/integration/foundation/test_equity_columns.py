"""A stored equity curve read back as arrays: Postgres through the driver's binary cursor, SQLite through
the ORM, the same instants and amounts either way, whole or between two instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.bootstrap import Container
from app.walle.models import EquityPoint
from app.walle.repositories import RunRecords
from tests.integration.foundation.factories import make_run

START = datetime(1969, 12, 31, 23, 59, 0, 250_000, tzinfo=UTC)  # a point before the epoch, off the second
POINTS = [(START + timedelta(minutes=i, microseconds=i), Decimal(f"{10_000 + i * 13}.{i * 37 % 10_000:04d}"),
           None if i % 3 else Decimal("9000.5"), None if i % 4 == 1 else Decimal(f"{8_000 + i}.0001"))
          for i in range(12)]


def _store(container: Container) -> str:
    with container.uow() as uow:
        run = uow.runs.add(make_run(timeframe="1Min", status="completed"))
        uow.session.flush()
        uow.session.add_all([EquityPoint(run_id=run.id, ts=ts, equity=equity, cash=cash or equity, benchmark=benchmark)
                             for ts, equity, benchmark, cash in POINTS])
        uow.commit()
        return run.id


def _ns(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return ((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000


@pytest.mark.parametrize("backend", ["pg", "lite"])
def test_a_curve_reads_back_exactly_whole_and_between_two_instants(backend: str, request: pytest.FixtureRequest
                                                                   ) -> None:
    container: Container = request.getfixturevalue(backend)
    run_id = _store(container)
    with container.read_session() as session:
        whole = RunRecords(session).equity_columns(run_id)
        part = RunRecords(session).equity_columns(run_id, POINTS[3][0], POINTS[7][0])
        none = RunRecords(session).equity_columns("no-such-run")
        alone = RunRecords(session).equity_columns(run_id, values=("equity",))  # what the run analysis reads
    assert whole.ts.tolist() == [_ns(ts) for ts, *_ in POINTS]
    assert whole.equity.tolist() == [float(equity) for _, equity, _, _ in POINTS]
    # A point without a benchmark takes its equity; cash was stored for every point.
    assert whole.benchmark.tolist() == [float(benchmark or equity) for _, equity, benchmark, _ in POINTS]
    assert whole.cash.tolist() == [float(cash or equity) for _, equity, _, cash in POINTS]
    assert part.ts.tolist() == whole.ts[3:8].tolist()  # both ends included
    assert part.equity.tolist() == whole.equity[3:8].tolist()
    assert (len(none.ts), none.ts.dtype.name, none.equity.dtype.name) == (0, "int64", "float64")
    assert alone.ts.tolist() == whole.ts.tolist() and alone.equity.tolist() == whole.equity.tolist()
    assert alone.benchmark is None and alone.cash is None
