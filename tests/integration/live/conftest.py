"""Veda against the local Alpaca-compatible exchange over real HTTP: real alpaca-py clients, one
paper and one live account, one-second bars."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from alpaca.trading.client import TradingClient
from flask.testing import FlaskClient
from sqlalchemy import select

from app.bootstrap import Container
from app.config import Settings
from app.events.commands import StopRun
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.glados.app import create_app
from app.services.runs import transition
from app.veda.alpaca import RetryPolicy
from app.walle.models import Order, Position, Run
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.api.conftest import issued
from tests.integration.foundation.factories import make_run
from workers.runtime import Runtime, build_runtime

PAPER = AccountConfig("paper", "PK-PAPER", "paper-secret", "100000")
LIVE = AccountConfig("live", "AK-LIVE", "live-secret", "50000")


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0, volatility=0.8), SymbolConfig("MSFT", 410.0)),
                            accounts=(PAPER, LIVE), seed=5, bar_seconds=1, tick_seconds=0.01)
    with ExchangeServer(config) as server:
        yield server


@pytest.fixture
def client(pg: Container) -> Iterator[FlaskClient]:
    """The API as the live tests call it (a paper run stopped, closed, deleted through it)."""
    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    test_client = app.test_client()
    test_client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield test_client
    app.extensions["weaver"].broadcaster.stop()


def live_settings(pg: Container, exchange: ExchangeServer, **overrides: Any) -> Settings:
    return make_settings(
        pg.settings.database_url,
        alpaca_paper_key_id=PAPER.key, alpaca_paper_secret_key=PAPER.secret, alpaca_paper_base_url=exchange.url,
        alpaca_paper_data_url=exchange.url, alpaca_paper_stream_url=exchange.stream_url,
        alpaca_live_key_id=LIVE.key, alpaca_live_secret_key=LIVE.secret, alpaca_live_base_url=exchange.url,
        alpaca_live_data_url=exchange.url, alpaca_live_stream_url=exchange.stream_url, **overrides,
    )


@pytest.fixture
def settings(pg: Container, exchange: ExchangeServer) -> Settings:
    return live_settings(pg, exchange)


@pytest.fixture
def live_runtime(pg: Container, settings: Settings) -> Runtime:
    runtime = build_runtime(settings, container=pg)
    for broker in runtime.live.brokers.values():  # fast retries: the exchange answers in microseconds
        broker.policy = RetryPolicy(attempts=5, first_wait=0.01, max_wait=0.05, budget_seconds=2)
    return runtime


def trading_client(exchange: ExchangeServer, account: AccountConfig) -> TradingClient:
    return TradingClient(account.key, account.secret, paper=True, url_override=exchange.url)


def running_run(pg: Container, **spec: Any) -> str:
    values = {"mode": "paper", "timeframe": "1Sec", "symbols": ["AAPL"], "cash": Decimal("100000"),
              "strategy": "sma_cross", "params": {"fast": 2, "slow": 3, "percent": 10.0, "allow_short": False},
              **spec}
    with pg.uow() as uow:
        run = uow.runs.add(make_run(**values))
        transition(uow, run, "running")
        uow.commit()
        return run.id


def booked(pg: Container, run_id: str, symbol: str = "AAPL") -> tuple[list[Order], Decimal | None]:
    """The run's orders as recorded (oldest first) and what its book holds of `symbol`."""
    with pg.read_session() as session:
        orders = session.scalars(select(Order).where(Order.run_id == run_id).order_by(Order.submitted_at,
                                                                                       Order.client_order_id)).all()
        held = session.scalar(select(Position.qty).where(Position.run_id == run_id, Position.symbol == symbol))
    return list(orders), held


def last_closed_bar() -> datetime:
    """The start of the last one-second bar that has closed, waiting a moment past the boundary."""
    now = datetime.now(UTC)
    if now.microsecond < 150_000:
        time.sleep(0.15)
        now = datetime.now(UTC)
    return now.replace(microsecond=0) - timedelta(seconds=1)


def run_of(pg: Container, run_id: str) -> Run:
    with pg.read_session() as session:
        return session.get(Run, run_id)


def worker_stops(pg: Container, live_runtime: Runtime, run_id: str) -> threading.Thread:
    """The live worker's part, as when the relay delivers the StopRun the CLI wrote to the outbox."""
    def work() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = [c for c in issued(pg) if isinstance(c, StopRun) and c.run_id == run_id]
            if found:
                live_runtime.live.handle("stop", run_id, cancel_orders=found[-1].cancel_orders,
                                         close_positions=found[-1].close_positions)
                return
            time.sleep(0.1)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread
