"""Progress of `weaver bars import` and `weaver bars fetch`: import moves over reading, validating and
storing with a rate and an ETA on each; fetch reports an estimated total that ends as the true count;
neither prints any bar when its output is not a terminal."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from app.cli import main
from app.cli import progress as progress_module
from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.services.fetch import BarFetcher
from app.veda.alpaca import AlpacaBroker
from tests.integration.conftest import weaver

ACCOUNT = AccountConfig("paper", "PK-PROGRESS", "progress-secret")
BAR_TEXT = re.compile(r"ETA|(?:bars|rows|B)/s")


def minute_csv(tmp_path: Path, rows: int) -> Path:
    start = datetime(2024, 1, 2, 14, 30, tzinfo=UTC)
    path = tmp_path / "bars.csv"
    lines = [f"{start + timedelta(minutes=i):%Y-%m-%dT%H:%M:%SZ},10.00,10.50,9.90,10.25,{i}" for i in range(rows)]
    path.write_text("timestamp,open,high,low,close,volume\n" + "\n".join(lines) + "\n")
    return path


def test_import_not_on_a_terminal_prints_its_summary_and_no_bar(pg, cli_env, tmp_path):
    done = weaver("bars", "import", str(minute_csv(tmp_path, 500)), "--symbol", "PIPE", "--timeframe", "1Min",
                  env=cli_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("PIPE 1Min: 500 rows read, 500 stored")
    assert not BAR_TEXT.search(done.stdout.replace("rows/s)", "")), done.stdout  # the summary's own rate aside
    assert done.stderr == ""


def test_import_on_a_terminal_shows_reading_validating_and_storing_with_rates(pg, cli_env, tmp_path, monkeypatch):
    screen = io.StringIO()
    monkeypatch.setattr(progress_module, "stderr_console",
                        lambda: Console(file=screen, force_terminal=True, width=200, color_system=None))
    path = minute_csv(tmp_path, 50_000)
    result = CliRunner().invoke(main, ["bars", "import", str(path), "--symbol", "TERM", "--timeframe", "1Min"],
                                env={"WEAVER_DATABASE_URL": cli_env["WEAVER_DATABASE_URL"], "WEAVER_BROKER": "memory"})
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    size = f"{path.stat().st_size / 1e6:.1f} MB"
    assert re.search(rf"read TERM 1Min .* {re.escape(size)}/{re.escape(size)} .*B/s .* ETA 0:00:00", shown), shown
    assert re.search(r"validate TERM 1Min .* 50,000/50,000 rows .* rows/s .* ETA 0:00:00", shown), shown
    assert re.search(r"store TERM 1Min .* 50,000/50,000 rows .* rows/s .* ETA 0:00:00", shown), shown
    assert result.stdout.startswith("TERM 1Min: 50,000 rows read, 50,000 stored")
    assert "ETA" not in result.stdout


@pytest.fixture
def exchange() -> Iterator[ExchangeServer]:
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0),), accounts=(ACCOUNT,), seed=3, max_page_size=50)
    with ExchangeServer(config) as server:
        yield server


def test_fetch_estimates_the_total_from_the_window_covered_and_ends_on_the_true_count(pg, exchange):
    from pydantic import SecretStr

    from app.config import AlpacaCredentials

    broker = AlpacaBroker(AlpacaCredentials("paper", ACCOUNT.key, SecretStr(ACCOUNT.secret), exchange.url,
                                            exchange.url))
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    start = end - timedelta(minutes=199)
    reports: list[tuple[int, int | None]] = []
    result = BarFetcher(pg.uow, broker.data_page).fetch("AAPL", "1Min", start, end,
                                                         progress=lambda done, total: reports.append((done, total)))
    assert result.fetched == 200
    # One bar a minute: after the first page of 50 the estimate is already the 200 the window holds.
    assert reports == [(50, 200), (100, 200), (150, 200), (200, 200), (200, 200)]
