"""Fixtures for the local exchange's contract tests: a real server on a free port, real alpaca-py
clients pointed at it, Alpaca's OpenAPI schemas, and a TradingStream running in a thread."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.trading.client import TradingClient
from alpaca.trading.stream import TradingStream
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from tests.waiting import wait_for as shared_wait_for

REPO = Path(__file__).resolve().parents[3]
PAPER = AccountConfig("paper", "PAPER-KEY", "PAPER-SECRET", "100000")
LIVE = AccountConfig("live", "LIVE-KEY", "LIVE-SECRET", "50000")
SHORT = AccountConfig("margin", "SHORT-KEY", "SHORT-SECRET", "100000", shorting=True)
CONFIG = ExchangeConfig(
    # 50 shares a second: a second bar reports fewer trades than the tape's 50 prints, at any hour
    symbols=tuple(SymbolConfig(s, p, volume_per_second=50.0) for s, p in (("AAPL", 190.0), ("MSFT", 410.0),
                                                                       ("SPY", 520.0))),
    accounts=(PAPER, LIVE, SHORT),
    seed=11,
    bar_seconds=1,
    max_page_size=100,
    tick_seconds=0.01,
)


def openapi_dir() -> Path:
    """Alpaca's OpenAPI documents; never copied into the repo, and their absence is a failure."""
    candidates = [os.environ.get("WEAVER_ALPACA_OPENAPI_DIR"), REPO.parent / "shared/reference/alpaca-openapi",
                  "/work/shared/reference/alpaca-openapi"]
    for candidate in filter(None, candidates):
        path = Path(candidate)
        if (path / "trading.yaml").exists() and (path / "data.yaml").exists():
            return path
    raise RuntimeError(f"Alpaca's OpenAPI documents not found; set WEAVER_ALPACA_OPENAPI_DIR (tried {candidates})")


class Contract:
    """Validates a JSON body against a named schema of trading.yaml or data.yaml ($refs resolved)."""

    def __init__(self, folder: Path) -> None:
        registry = Registry()
        for name in ("trading", "data"):
            document = yaml.safe_load((folder / f"{name}.yaml").read_text())
            if name == "trading":
                _follow_alpaca_py(document)
            registry = registry.with_resource(f"urn:{name}", Resource.from_contents(document, DRAFT4))
        self.registry = registry

    def check(self, document: str, schema: str, body: object, array: bool = False) -> None:
        ref: dict = {"$ref": f"urn:{document}#/components/schemas/{schema}"}
        validator = OAS30Validator({"type": "array", "items": ref} if array else ref, registry=self.registry,
                                   format_checker=oas30_format_checker)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, f"{schema} violates Alpaca's schema: {errors}"


def _follow_alpaca_py(trading: dict) -> None:
    """Where trading.yaml and alpaca-py disagree the exchange follows alpaca-py (docs/exchange.md): a
    bracket's or OTO's exit legs wait as `held` until the entry fills — alpaca-py's OrderStatus has it,
    the document's enum does not."""
    statuses = trading["components"]["schemas"]["OrderStatus"]["enum"]
    if "held" not in statuses:
        statuses.append("held")


@pytest.fixture(scope="session")
def contract() -> Contract:
    return Contract(openapi_dir())


@pytest.fixture(scope="package")
def server() -> Iterator[ExchangeServer]:
    with ExchangeServer(CONFIG) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(server: ExchangeServer) -> None:
    """Every test starts from the configured accounts, unpinned prices and no faults."""
    server.reset()


@pytest.fixture
def trading(server: ExchangeServer) -> TradingClient:
    return TradingClient(PAPER.key, PAPER.secret, url_override=server.url)


@pytest.fixture
def live(server: ExchangeServer) -> TradingClient:
    return TradingClient(LIVE.key, LIVE.secret, paper=False, url_override=server.url)


@pytest.fixture
def margin(server: ExchangeServer) -> TradingClient:
    return TradingClient(SHORT.key, SHORT.secret, url_override=server.url)


@pytest.fixture
def data(server: ExchangeServer) -> StockHistoricalDataClient:
    return StockHistoricalDataClient(PAPER.key, PAPER.secret, url_override=server.url)


def wait_for(condition: Callable[[], object], timeout: float = 5.0, what: str = "condition") -> None:
    shared_wait_for(condition, timeout, what, every=0.01)


class StreamRecorder:
    """alpaca-py's TradingStream in a thread, recording every TradeUpdate it parses."""

    def __init__(self, server: ExchangeServer, account: AccountConfig) -> None:
        self.server, self.account = server, account
        self.updates: list = []
        self.stream = TradingStream(account.key, account.secret, url_override=server.stream_url)
        self.stream.subscribe_trade_updates(self._record)
        self.thread = threading.Thread(target=self.stream.run, name=f"stream-{account.name}", daemon=True)

    async def _record(self, update: object) -> None:
        self.updates.append(update)

    def listening(self) -> int:
        return self.server.exchange.hub.count(self.account.name, listening=True)

    def start(self) -> StreamRecorder:
        self.thread.start()
        wait_for(lambda: self.listening() == 1, what=f"{self.account.name} stream to listen")
        return self

    def events(self, order_id: object = None) -> list[str]:
        return [u.event for u in list(self.updates) if order_id is None or str(u.order.id) == str(order_id)]

    def stop(self) -> None:
        while self.stream._loop is None:
            time.sleep(0.01)
        asyncio.run_coroutine_threadsafe(self.stream.stop_ws(), self.stream._loop).result(5)
        self.server.drop_streams(self.account.name)  # wakes the client's 5 s recv wait at once
        self.thread.join(5)
        assert not self.thread.is_alive()


@pytest.fixture
def record_stream(server: ExchangeServer) -> Iterator[Callable[[AccountConfig], StreamRecorder]]:
    recorders: list[StreamRecorder] = []

    def start(account: AccountConfig) -> StreamRecorder:
        recorders.append(StreamRecorder(server, account).start())
        return recorders[-1]

    yield start
    for recorder in recorders:
        recorder.stop()
