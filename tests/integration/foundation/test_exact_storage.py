"""Prices and quantities are stored exactly for every asset: sub-cent tokens, 12-decimal prices,
1e-9 crypto quantities, on Postgres and SQLite, and databases made before revision 0002 keep
their rows when they are upgraded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, Numeric, String, Table, insert, inspect, select
from sqlalchemy.engine import Dialect

from app.bootstrap import Container
from app.walle import migrate
from app.walle.db import make_engine, make_session_factory
from app.walle.models import Bar, BarSeries, Fill, InstrumentRow, Order, Position, Run, Trade
from app.walle.repositories import BarRepository
from app.walle.types import Exact
from tests.conftest import create_pg_database, drop_pg_database, pg_url_for
from tests.integration.foundation.factories import make_run

T0 = datetime(2024, 1, 2, 14, 30, tzinfo=UTC)
SUB_CENT = Decimal("0.0000123")
TWELVE = Decimal("0.000000012345")  # 12 decimal places
CRYPTO_QTY = Decimal("0.123456789")  # 1e-9, Alpaca's crypto quantity increment
HUGE = Decimal("123456789012345678.123456789012")  # every digit NUMERIC(30,12) holds


def test_sub_cent_bars_round_trip_exactly(any_db: Container) -> None:
    with any_db.uow() as uow:
        uow.bars.insert_columns("TOKEN", "1Min", [T0], [SUB_CENT], [Decimal("0.0000127")], [TWELVE],
                                [Decimal("0.0000121")], [CRYPTO_QTY], source="test")
        # A float64 column (how a CSV import arrives) keeps the decimal it was parsed from.
        uow.bars.insert_columns("TOKEN", "1Hour", np.array([int(T0.timestamp() * 1e9)], dtype=np.int64),
                                np.array([0.0000123]), np.array([1.06956495]), np.array([0.000000012345]),
                                np.array([98.04864111]), np.array([0.123456789]), source="csv")
        uow.commit()
    with any_db.read_session() as session:
        rows = session.execute(select(BarSeries.timeframe, Bar).join(Bar, Bar.series_id == BarSeries.id)).all()
        bars = {timeframe: bar for timeframe, bar in rows}
        minute, hour = bars["1Min"], bars["1Hour"]
        assert (minute.open, minute.high, minute.low, minute.close, minute.volume) == (
            SUB_CENT, Decimal("0.0000127"), TWELVE, Decimal("0.0000121"), CRYPTO_QTY)
        assert (hour.open, hour.high, hour.low, hour.close, hour.volume) == (
            SUB_CENT, Decimal("1.06956495"), TWELVE, Decimal("98.04864111"), CRYPTO_QTY)
        loaded = BarRepository(session).load("TOKEN", "1Min")
        assert (loaded.open[0], loaded.low[0], loaded.volume[0]) == (0.0000123, 0.000000012345, 0.123456789)


def test_orders_fills_trades_and_positions_keep_every_decimal(any_db: Container) -> None:
    with any_db.uow() as uow:
        run = uow.runs.add(make_run(symbols=["BTC/USD"]))
        order = Order(run_id=run.id, client_order_id="wv-exact", symbol="BTC/USD", side="buy", type="stop_limit",
                      time_in_force="gtc", qty=CRYPTO_QTY, limit_price=SUB_CENT, stop_price=TWELVE,
                      status="filled", filled_qty=CRYPTO_QTY, filled_avg_price=SUB_CENT, submitted_at=T0)
        uow.session.add(order)
        uow.session.flush()
        uow.session.add_all([
            Fill(run_id=run.id, order_id=order.id, symbol="BTC/USD", side="buy", qty=CRYPTO_QTY, price=SUB_CENT,
                 fee=Decimal("0.0001"), ts=T0),
            Trade(run_id=run.id, symbol="BTC/USD", direction="long", qty=CRYPTO_QTY, entry_ts=T0, entry_price=SUB_CENT,
                  exit_ts=T0 + timedelta(days=1), exit_price=TWELVE, pnl=Decimal("0"), return_pct=Decimal("-0.99"),
                  bars_held=1),
            Position(run_id=run.id, symbol="BTC/USD", qty=CRYPTO_QTY, avg_price=TWELVE, mark_price=HUGE),
        ])
        uow.commit()
    with any_db.read_session() as session:
        order = session.scalars(select(Order)).one()
        assert (order.qty, order.limit_price, order.stop_price) == (CRYPTO_QTY, SUB_CENT, TWELVE)
        assert (order.filled_qty, order.filled_avg_price) == (CRYPTO_QTY, SUB_CENT)
        fill = session.scalars(select(Fill)).one()
        assert (fill.qty, fill.price) == (CRYPTO_QTY, SUB_CENT)
        trade = session.scalars(select(Trade)).one()
        assert (trade.qty, trade.entry_price, trade.exit_price) == (CRYPTO_QTY, SUB_CENT, TWELVE)
        position = session.scalars(select(Position)).one()
        assert (position.qty, position.avg_price, position.mark_price) == (CRYPTO_QTY, TWELVE, HUGE)


def test_instruments_upsert_and_read_back(any_db: Container) -> None:
    with any_db.uow() as uow:
        uow.instruments.upsert("AAPL", "us_equity", Decimal("0.01"), Decimal(1), "alpaca")
        uow.instruments.upsert("BTC/USD", "crypto", Decimal("0.000000001"), "0.000000001", "alpaca")
        uow.instruments.upsert("EURUSD", "other", None, None, "csv")
        uow.commit()
    with any_db.uow() as uow:
        first = uow.instruments.get("AAPL")
        assert first is not None
        replaced = uow.instruments.upsert("AAPL", "us_equity", Decimal("0.0001"), None, "user")
        assert (replaced.price_increment, replaced.qty_increment, replaced.source) == (Decimal("0.0001"), None, "user")
        uow.commit()
    with any_db.uow() as uow:
        rows = uow.instruments.all()
        assert [(r.symbol, r.asset_class, r.price_increment, r.qty_increment, r.source) for r in rows] == [
            ("AAPL", "us_equity", Decimal("0.0001"), None, "user"),
            ("BTC/USD", "crypto", Decimal("0.000000001"), Decimal("0.000000001"), "alpaca"),
            ("EURUSD", "other", None, None, "csv"),
        ]
        assert all(r.updated_at.tzinfo is not None for r in rows)
        assert uow.instruments.get("MSFT") is None
        with pytest.raises(ValueError, match="asset class"):
            uow.instruments.upsert("ES", "futures", None, None, "user")
        with pytest.raises(ValueError, match="positive"):
            uow.instruments.upsert("ES", "other", Decimal(0), None, "user")


def test_bar_series_remember_their_adjustment(any_db: Container) -> None:
    bar = ([T0], [Decimal(1)], [Decimal(1)], [Decimal(1)], [Decimal(1)], [Decimal(1)])
    with any_db.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Day", *bar, source="csv")  # a new series is raw unless told
        uow.bars.series_id("MSFT", "1Day", source="alpaca", adjustment="split")
        uow.bars.insert_columns("MSFT", "1Day", *bar, source="alpaca")  # keeps the series' adjustment
        uow.bars.insert_columns("TSLA", "1Day", *bar, source="alpaca", adjustment="all")
        with pytest.raises(ValueError, match="adjustment"):
            uow.bars.series_id("AAPL", "1Day", adjustment="dividends")
        uow.commit()
    with any_db.read_session() as session:
        assert {s.symbol: s.adjustment for s in BarRepository(session).series()} == {
            "AAPL": "raw", "MSFT": "split", "TSLA": "all"}


# --- upgrading a database made before revision 0002 ---------------------------------------------


def _legacy_dialect_impl(self: Exact, dialect: Dialect) -> Any:
    """Exact as revision 0001 shipped it: VARCHAR(precision + 2) on SQLite."""
    if dialect.name == "sqlite":
        return dialect.type_descriptor(String(self.precision + 2))
    return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))


@pytest.fixture(params=["postgres", "sqlite"])
def legacy_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database at revision 0001, with the column types it was created with back then."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'legacy.db'}"
        with monkeypatch.context() as patch:
            patch.setattr(Exact, "load_dialect_impl", _legacy_dialect_impl)
            migrate.upgrade(url, "0001")
        yield url
        return
    name = create_pg_database("weaver_legacy")
    try:
        url = pg_url_for(name)
        migrate.upgrade(url, "0001")
        yield url
    finally:
        drop_pg_database(name)


def _seed_at_0001(engine: Engine) -> str:
    """Rows written the way the code before 0002 wrote them (6-decimal prices, 4-decimal volumes)."""
    sqlite = engine.dialect.name == "sqlite"

    def number(text: str) -> Decimal | str:
        return text if sqlite else Decimal(text)

    meta = MetaData()
    tables = {name: Table(name, meta, autoload_with=engine) for name in ("runs", "bar_series", "bars", "orders",
                                                                         "fills")}
    run_id, order_id = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"
    with engine.begin() as conn:
        conn.execute(insert(tables["runs"]).values(
            id=run_id, mode="backtest", strategy="sma_cross", params={}, symbols=["AAPL"], timeframe="1Day",
            cash=number("10000.0000"), fees={}, slippage={}, options={}, status="finished", progress=1.0,
            created_at=T0, updated_at=T0))
        conn.execute(insert(tables["bar_series"]).values(id=1, symbol="AAPL", timeframe="1Day", source="csv",
                                                         updated_at=T0))
        conn.execute(insert(tables["bars"]).values(
            series_id=1, ts=T0, open=number("12.345678"), high=number("12.500000"), low=number("12.000001"),
            close=number("12.345678"), volume=number("1234.5678")))
        conn.execute(insert(tables["orders"]).values(
            id=order_id, run_id=run_id, client_order_id="wv-legacy", symbol="AAPL", side="buy", type="limit",
            order_class="simple", time_in_force="day", qty=number("3.000000000"), limit_price=number("12.345678"),
            status="filled", filled_qty=number("3.000000000"), filled_avg_price=number("12.345678"),
            submitted_at=T0, updated_at=T0, history=[]))
        conn.execute(insert(tables["fills"]).values(
            id="00000000-0000-0000-0000-000000000003", run_id=run_id, order_id=order_id, symbol="AAPL", side="buy",
            qty=number("3.000000000"), price=number("12.345678"), fee=number("0.0000"), ts=T0))
    return run_id


def test_upgrading_from_0001_keeps_rows_and_then_stores_twelve_decimals(legacy_url: str) -> None:
    engine = make_engine(legacy_url)
    try:
        run_id = _seed_at_0001(engine)
        migrate.upgrade(legacy_url)
        assert migrate.current_revision(engine) == migrate.head_revision(legacy_url)
        assert migrate.schema_differences(engine) == []  # `weaver db check` is clean
        if engine.dialect.name == "postgresql":
            price = {c["name"]: c["type"] for c in inspect(engine).get_columns("fills")}["price"]
            assert (price.precision, price.scale) == (30, 12)

        sessions = make_session_factory(engine)
        with sessions() as session:
            assert session.get(Run, run_id) is not None
            bar = session.scalars(select(Bar)).one()
            assert (bar.open, bar.high, bar.low, bar.close, bar.volume) == (
                Decimal("12.345678"), Decimal("12.5"), Decimal("12.000001"), Decimal("12.345678"),
                Decimal("1234.5678"))
            assert session.scalars(select(BarSeries.adjustment)).one() == "raw"
            order = session.scalars(select(Order)).one()
            assert (order.limit_price, order.filled_avg_price, order.qty) == (Decimal("12.345678"),) * 2 + (
                Decimal(3),)
            fill = session.scalars(select(Fill)).one()
            assert (fill.price, fill.qty) == (Decimal("12.345678"), Decimal(3))
            assert session.scalars(select(InstrumentRow)).all() == []

            fill.price = Decimal("12.345678901234")
            session.add(Bar(series_id=1, ts=T0 + timedelta(days=1), open=TWELVE, high=SUB_CENT, low=TWELVE,
                            close=SUB_CENT, volume=CRYPTO_QTY))
            session.commit()
        with sessions() as session:
            assert session.scalars(select(Fill.price)).one() == Decimal("12.345678901234")
            new_bar = session.scalars(select(Bar).where(Bar.ts > T0)).one()
            assert (new_bar.open, new_bar.close, new_bar.volume) == (TWELVE, SUB_CENT, CRYPTO_QTY)

        # And back: the downgrade runs (rounding the finer prices), and upgrading again works.
        command.downgrade(migrate.alembic_config(legacy_url), "0001")
        assert migrate.current_revision(engine) == "0001"
        migrate.upgrade(legacy_url)
        assert migrate.schema_differences(engine) == []
    finally:
        engine.dispose()
