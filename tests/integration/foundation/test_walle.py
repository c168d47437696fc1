from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from app.bootstrap import Container
from app.walle.models import Fill, Order, Run
from app.walle.repositories import BarRepository, RunFilter
from tests.integration.foundation.factories import make_run

T0 = datetime(2024, 1, 2, 14, 30, tzinfo=UTC)


def bar_columns(count: int, start: datetime = T0) -> dict[str, list[object]]:
    return {
        "ts": [start + timedelta(minutes=i) for i in range(count)],
        "open": [Decimal("100.10") + i for i in range(count)],
        "high": [Decimal("101.25") + i for i in range(count)],
        "low": [Decimal("99.05") + i for i in range(count)],
        "close": [Decimal("100.875") + i for i in range(count)],
        "volume": [1000 + i for i in range(count)],
    }


def test_money_and_prices_round_trip_exactly(any_db: Container) -> None:
    with any_db.uow() as uow:
        run = uow.runs.add(make_run(cash=Decimal("12345678.91")))
        uow.commit()
    with any_db.uow() as uow:
        stored = uow.runs.get(run.id)
        assert stored.cash == Decimal("12345678.9100")
        assert stored.start_at == datetime(2024, 1, 1, tzinfo=UTC)
        assert stored.start_at.tzinfo is not None


def test_floats_and_naive_datetimes_are_refused(any_db: Container) -> None:
    with any_db.uow() as uow:
        uow.runs.add(make_run(cash=10000.1))
        with pytest.raises(StatementError, match="floats are not exact"):
            uow.session.flush()
    with any_db.uow() as uow:
        uow.runs.add(make_run(start_at=datetime(2024, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            uow.session.flush()


def test_bars_bulk_insert_keeps_existing_rows_and_reports_new_ones(any_db: Container) -> None:
    with any_db.uow() as uow:
        assert uow.bars.insert_columns("AAPL", "1Min", **bar_columns(500), source="synthetic",
                                       description="seeded demo data") == 500
        uow.commit()
    with any_db.uow() as uow:
        assert uow.bars.insert_columns("AAPL", "1Min", **bar_columns(600), source="synthetic") == 100
        uow.commit()
    with any_db.read_session() as session:
        bars = BarRepository(session)
        first, last, count = bars.range("AAPL", "1Min")
        assert (first, last, count) == (T0, T0 + timedelta(minutes=599), 600)
        assert bars.bounds("AAPL", "1Min") == (first, last) and bars.last_ts("AAPL", "1Min") == last
        assert bars.bounds("AAPL", "1Day") == bars.bounds("MSFT", "1Min") == (None, None)  # no such series
        assert bars.range("MSFT", "1Min") == (None, None, 0)
        window = bars.load("AAPL", "1Min", start=T0 + timedelta(minutes=10), end=T0 + timedelta(minutes=12))
        expected_ns = [int((T0 + timedelta(minutes=m)).timestamp()) * 10**9 for m in (10, 11, 12)]
        assert window.ts.tolist() == expected_ns
        assert window.close.tolist() == [110.875, 111.875, 112.875]
        assert window.volume.tolist() == [1010.0, 1011.0, 1012.0]
        (series,) = bars.series()
        assert (series.symbol, series.count, series.source) == ("AAPL", 600, "synthetic")


def test_bar_prices_must_be_exact_and_times_aware(any_db: Container) -> None:
    columns = bar_columns(3)
    with any_db.uow() as uow:
        with pytest.raises(TypeError, match="exact"):
            uow.bars.insert_columns("AAPL", "1Min", **{**columns, "close": [1.5, 2.5, 3.5]})
        with pytest.raises(ValueError, match="naive"):
            naive = [t.replace(tzinfo=None) for t in columns["ts"]]
            uow.bars.insert_columns("AAPL", "1Min", **{**columns, "ts": naive})


def test_client_order_id_is_unique(any_db: Container) -> None:
    with any_db.uow() as uow:
        run = uow.runs.add(make_run())
        uow.session.flush()
        for _ in range(2):
            uow.session.add(Order(run_id=run.id, client_order_id="wv-1", symbol="AAPL", side="buy", type="market",
                                  time_in_force="day", qty=Decimal(1), status="submitted", submitted_at=T0))
        with pytest.raises(IntegrityError):
            uow.session.flush()


def test_runs_list_newest_first_with_filters_and_pages(any_db: Container) -> None:
    with any_db.uow() as uow:
        for index in range(7):
            uow.runs.add(make_run(mode="paper" if index % 2 else "backtest", created_at=T0 + timedelta(hours=index),
                                  name=f"run {index}"))
        uow.commit()
    with any_db.uow() as uow:
        page, total = uow.runs.list(RunFilter(mode="backtest"), limit=2, offset=1)
        assert total == 4
        assert [r.name for r in page] == ["run 4", "run 2"]


def test_deleting_a_run_removes_its_records(any_db: Container) -> None:
    with any_db.uow() as uow:
        run = uow.runs.add(make_run())
        order = Order(run_id=run.id, client_order_id="wv-x", symbol="AAPL", side="buy", type="market",
                      time_in_force="day", qty=Decimal(1), status="filled", submitted_at=T0)
        uow.session.add_all([order])
        uow.session.flush()
        uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="AAPL", side="buy", qty=Decimal(1),
                             price=Decimal("10.5"), ts=T0))
        uow.commit()
    with any_db.uow() as uow:
        uow.runs.delete(run.id)
        uow.commit()
    with any_db.read_session() as session:
        assert session.scalars(select(Run)).all() == []
        assert session.scalars(select(Fill)).all() == []
