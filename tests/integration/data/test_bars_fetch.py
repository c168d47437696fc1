"""`weaver bars fetch` against the local Alpaca-compatible exchange (real alpaca-py over HTTP): every page
is fetched, prices arrive exact, and a second call resumes after the last stored bar and gets nothing new.
Bars are asked for split-adjusted unless `--adjustment` says otherwise, and the series remembers which."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alpaca.data.enums import Adjustment
from pydantic import SecretStr

from app.bootstrap import Container
from app.config import AlpacaCredentials
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.services.errors import ValidationFailed
from app.services.fetch import BarFetcher
from app.veda.alpaca import AlpacaBroker
from app.walle.models.bars import ADJUSTMENTS
from app.walle.repositories import BarRepository, InstrumentRepository
from tests.integration.conftest import weaver

ACCOUNT = AccountConfig("paper", "PK-DATA", "data-secret")
PAGE_SIZE = 50
MINUTES = 300


@pytest.fixture(scope="module")
def exchange() -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0), SymbolConfig("MSFT", 410.0),
                                     SymbolConfig.crypto("BTC/USD", 60000.0)), accounts=(ACCOUNT,),
                            seed=9, max_page_size=PAGE_SIZE)
    with ExchangeServer(config) as server:
        yield server


def window() -> tuple[datetime, datetime]:
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    return end - timedelta(minutes=MINUTES - 1), end


def stored(pg: Container, symbol: str) -> tuple[datetime | None, datetime | None, int]:
    with pg.read_session() as session:
        return BarRepository(session).range(symbol, "1Min")


def test_fetch_gets_every_page_and_a_second_call_fetches_nothing_new(pg, cli_env, exchange):
    env = {**cli_env, "WEAVER_ALPACA_PAPER_KEY_ID": ACCOUNT.key, "WEAVER_ALPACA_PAPER_SECRET_KEY": ACCOUNT.secret,
           "WEAVER_ALPACA_PAPER_BASE_URL": exchange.url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange.url}
    start, end = window()
    args = ("bars", "fetch", "--symbol", "AAPL", "--timeframe", "1Min", "--start", f"{start:%Y-%m-%dT%H:%M:%S}",
            "--end", f"{end:%Y-%m-%dT%H:%M:%S}")
    first = weaver(*args, env=env)
    assert first.returncode == 0, first.stderr
    assert f"AAPL 1Min: {MINUTES} bars downloaded, {MINUTES} new (adjustment: split)" in first.stdout
    assert stored(pg, "AAPL") == (start, end, MINUTES)  # one bar a minute, none missing, none twice

    second = weaver(*args, env=env)
    assert second.returncode == 0, second.stderr
    assert "AAPL 1Min: 0 bars downloaded, 0 new" in second.stdout
    assert stored(pg, "AAPL")[2] == MINUTES


def test_a_crypto_pair_is_fetched_from_the_crypto_bars_and_stored_as_crypto(pg, cli_env, exchange):
    """Trial 24: `bars fetch --symbol BTC/USD` asked the stock bars and said "0 bars downloaded", though the
    exchange serves the pair's bars at /v1beta3/crypto/us/bars."""
    env = {**cli_env, "WEAVER_ALPACA_PAPER_KEY_ID": ACCOUNT.key, "WEAVER_ALPACA_PAPER_SECRET_KEY": ACCOUNT.secret,
           "WEAVER_ALPACA_PAPER_BASE_URL": exchange.url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange.url}
    start, end = window()
    fetched = weaver("bars", "fetch", "--symbol", "BTC/USD", "--timeframe", "1Min", "--start",
                     f"{start:%Y-%m-%dT%H:%M:%S}", "--end", f"{end:%Y-%m-%dT%H:%M:%S}", env=env)
    assert fetched.returncode == 0, fetched.stderr
    assert f"BTC/USD 1Min: {MINUTES} bars downloaded, {MINUTES} new" in fetched.stdout
    assert stored(pg, "BTC/USD") == (start, end, MINUTES)
    with pg.read_session() as session:
        assert InstrumentRepository(session).asset_classes(["BTC/USD"]) == {"BTC/USD": "crypto"}


def test_fetcher_follows_next_page_tokens_and_resumes_after_an_interruption(pg, exchange):
    credentials = AlpacaCredentials("paper", ACCOUNT.key, SecretStr(ACCOUNT.secret), exchange.url, exchange.url)
    broker = AlpacaBroker(credentials)
    pages: list[dict[str, Any]] = []

    def counting(path: str, params: dict[str, Any]) -> dict[str, Any]:
        page = broker.data_page(path, params)
        pages.append(page)
        return page

    start, end = window()
    halfway = start + timedelta(minutes=MINUTES // 2 - 1)
    interrupted = BarFetcher(pg.uow, counting).fetch("MSFT", "1Min", start, halfway)
    assert (interrupted.fetched, interrupted.inserted) == (MINUTES // 2, MINUTES // 2)
    assert len(pages) == MINUTES // 2 // PAGE_SIZE  # 150 bars, 50 a page
    pages.clear()
    resumed = BarFetcher(pg.uow, counting).fetch("MSFT", "1Min", start, end)
    assert resumed.start == halfway + timedelta(minutes=1)  # it asked only for what it lacked
    assert (resumed.fetched, resumed.inserted) == (MINUTES // 2, MINUTES // 2)
    assert len(pages) == 3 and pages[-1]["next_page_token"] is None
    assert stored(pg, "MSFT") == (start, end, MINUTES)


def adjustment_of(pg: Container, symbol: str) -> str:
    with pg.read_session() as session:
        (series,) = [s for s in BarRepository(session).series() if s.symbol == symbol]
    return series.adjustment


def test_fetch_asks_for_the_adjustment_stores_it_and_will_not_mix_two(pg, cli_env, exchange):
    assert set(ADJUSTMENTS) <= {a.value for a in Adjustment}  # every choice is one alpaca-py knows
    credentials = AlpacaCredentials("paper", ACCOUNT.key, SecretStr(ACCOUNT.secret), exchange.url, exchange.url)
    broker = AlpacaBroker(credentials)
    asked: list[str] = []

    def recording(path: str, params: dict[str, Any]) -> dict[str, Any]:
        asked.append(params["adjustment"])
        return broker.data_page(path, params)

    start, end = window()
    BarFetcher(pg.uow, recording).fetch("MSFT", "1Min", start, end)
    pages = len(asked)
    raw = BarFetcher(pg.uow, recording).fetch("AAPL", "1Min", start, end, adjustment="raw")
    assert asked == ["split"] * pages + ["raw"] * pages and raw.adjustment == "raw"
    assert (adjustment_of(pg, "MSFT"), adjustment_of(pg, "AAPL")) == ("split", "raw")

    env = {**cli_env, "WEAVER_ALPACA_PAPER_KEY_ID": ACCOUNT.key, "WEAVER_ALPACA_PAPER_SECRET_KEY": ACCOUNT.secret,
           "WEAVER_ALPACA_PAPER_BASE_URL": exchange.url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange.url}
    mixed = weaver("bars", "fetch", "--symbol", "AAPL", "--timeframe", "1Min", "--start", f"{start:%Y-%m-%d}", env=env)
    assert mixed.returncode == 2
    assert "AAPL 1Min is stored with adjustment raw: fetch with --adjustment raw to extend it" in mixed.stderr
    listing = weaver("bars", "list", env=env)
    assert "alpaca, adjustment raw" in listing.stdout and "alpaca, adjustment split" in listing.stdout


def test_second_bars_are_not_asked_of_alpaca(pg):
    """An import takes second bars (the local exchange's); Alpaca's data API has none, so a fetch says so."""
    asked: list[str] = []
    start, end = window()
    with pytest.raises(ValidationFailed) as refused:
        BarFetcher(pg.uow, lambda path, params: asked.append(path) or {}).fetch("MSFT", "1Sec", start, end)
    assert refused.value.details["fields"] == {"timeframe": "Alpaca's data API has no second bars; fetch 1Min or "
                                                            "longer (second bars come from the local exchange or a "
                                                            "CSV import)"}
    assert asked == []


def test_second_bars_are_fetched_from_the_local_exchange_and_an_unlisted_symbol_is_noted(pg, cli_env):
    """Trial 35: pointed at the standalone's exchange, which serves second bars, `bars fetch --timeframe 1Sec`
    still said Alpaca has none, and the bars were pulled by hand; `--symbol ZZZZ` said "0 bars" and no more."""
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0),), accounts=(ACCOUNT,), seed=9, bar_seconds=1)
    with ExchangeServer(config) as exchange:
        env = {**cli_env, "WEAVER_ALPACA_PAPER_KEY_ID": ACCOUNT.key, "WEAVER_ALPACA_PAPER_SECRET_KEY": ACCOUNT.secret,
               "WEAVER_ALPACA_PAPER_BASE_URL": exchange.url, "WEAVER_ALPACA_PAPER_DATA_URL": exchange.url}
        end = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5)
        start = end - timedelta(seconds=59)
        span = ("--start", f"{start:%Y-%m-%dT%H:%M:%S}", "--end", f"{end:%Y-%m-%dT%H:%M:%S}")
        seconds = weaver("bars", "fetch", "--symbol", "AAPL", "--timeframe", "1Sec", *span, env=env)
        unlisted = weaver("bars", "fetch", "--symbol", "ZZZZ", "--timeframe", "1Min", *span, env=env)
    assert seconds.returncode == 0, seconds.stderr
    assert "AAPL 1Sec: 60 bars downloaded, 60 new (adjustment: split)" in seconds.stdout
    with pg.read_session() as session:
        assert BarRepository(session).range("AAPL", "1Sec") == (start, end, 60)
    assert unlisted.returncode == 0, unlisted.stderr
    assert "ZZZZ 1Min: 0 bars downloaded, 0 new" in unlisted.stdout
    assert "note: no 1Min bars of ZZZZ after" in unlisted.stderr and "a symbol the data source lists" in unlisted.stderr
