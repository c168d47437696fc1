"""Strategies come only from places the owner chose (issue 14, item 1): the built-ins plus the packages
or folders in WEAVER_STRATEGY_PATHS. A request naming anything else is a 422 listing what is available,
and nothing it names is imported."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import dramatiq
import pytest

from app.bootstrap import Container, bootstrap
from app.marvin import registry
from tests.conftest import FIXTURE_STRATEGY_PATHS, make_settings, truncate_all
from tests.integration.api.conftest import store_daily_bars
from tests.integration.workers.conftest import Stack, open_stack, wait_for
from workers import runtime as worker_runtime
from workers.queues import consumed

FOLDER_STRATEGY = """
from app.marvin.strategy import Strategy


class BuyOnce(Strategy):
    name = "buy_once_from_folder"
    description = "Buys one share on its first bar (a strategy from a configured folder)."

    def init(self) -> None:
        self.bought = False

    def next(self) -> None:
        if not self.bought:
            self.buy(size=1)
            self.bought = True
"""


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A configured strategy folder, and beside it on sys.path a module that leaves a file when imported."""
    strategies = tmp_path / "my_strategies"
    strategies.mkdir()
    (strategies / "weaver_sources_mine.py").write_text(textwrap.dedent(FOLDER_STRATEGY))
    marker = tmp_path / "imported.txt"
    (tmp_path / "weaver_sources_marker.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nclass Zen: pass\n")
    sys.path.insert(0, str(tmp_path))
    before = registry.configured_sources()
    yield strategies
    sys.path.remove(str(tmp_path))
    for name in ("weaver_sources_mine", "weaver_sources_marker"):
        sys.modules.pop(name, None)
    registry.configure_sources(before)


@pytest.fixture
def owned(pg_url: str, folder: Path) -> Iterator[Container]:
    container = bootstrap(make_settings(pg_url, strategy_paths=(*FIXTURE_STRATEGY_PATHS, str(folder))))
    try:
        yield container
    finally:
        truncate_all(container)
        container.close()


@pytest.fixture
def stack(owned: Container, redis_url: str) -> Iterator[Stack]:
    yield from open_stack(owned, redis_url)


BODY = {"mode": "backtest", "symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}


def test_a_strategy_outside_the_configured_paths_is_422_and_nothing_is_imported(stack: Stack, folder: Path) -> None:
    sys.modules.pop("this", None)
    marker = folder.parent / "imported.txt"
    for name, path in (("this:Zen", "/api/v1/runs"), ("weaver_sources_marker:Zen", "/api/v1/runs"),
                       ("weaver_sources_marker:Zen", "/api/v1/sweeps")):
        body = {**BODY, "strategy": name}
        if path.endswith("sweeps"):
            body = {**{k: v for k, v in body.items() if k != "mode"}, "grid": {"size": [1, 2]}}
        response = stack.client.post(path, json=body)
        assert response.status_code == 422, response.get_json()
        error = response.get_json()
        assert set(error) >= {"code", "message", "details", "correlation_id"}
        assert error["code"] == "validation_failed"
        assert "unknown strategy" in error["details"]["fields"]["strategy"]
        available = error["details"]["available"]
        assert "sma_cross" in available
        assert "weaver_sources_mine:BuyOnce" in available
        assert "tests.fixtures.strategies:Slow" in available
        assert not any(item.startswith(("this", "weaver_sources_marker")) for item in available)
    assert stack.client.get("/api/v1/strategies/this:Zen").status_code == 404
    assert "this" not in sys.modules
    assert "weaver_sources_marker" not in sys.modules
    assert not marker.exists()


def test_a_strategy_in_a_configured_folder_runs_a_backtest_end_to_end(stack: Stack, owned: Container) -> None:
    store_daily_bars(owned, "AAPL", days=60)
    worker_runtime.install(worker_runtime.build_runtime(owned.settings, container=owned))
    worker = dramatiq.Worker(stack.broker, queues=consumed(["backtest"]), worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        created = stack.client.post("/api/v1/runs", json={**BODY, "strategy": "weaver_sources_mine:BuyOnce",
                                                          "start_now": True})
        assert created.status_code == 201, created.get_json()
        run_id = created.get_json()["id"]
        wait_for(lambda: stack.client.get(f"/api/v1/runs/{run_id}").get_json()["status"] in ("completed", "failed"),
                 60, f"run {run_id}")
        detail = stack.client.get(f"/api/v1/runs/{run_id}").get_json()
        assert detail["status"] == "completed", detail["error"]
        assert detail["strategy"] == "weaver_sources_mine:BuyOnce"
        fills = stack.client.get(f"/api/v1/runs/{run_id}/fills").get_json()
        assert fills["total"] == 1
    finally:
        worker.stop(timeout=10_000)
        worker_runtime.install(None)


def test_standalone_strategy_path_adds_to_the_configured_ones(tmp_path: Path, folder: Path) -> None:
    from app.standalone.embedded import Embedded
    from app.standalone.home import Home

    home = Home(tmp_path / "home")
    home.prepare()
    settings = Embedded(home, exchange_enabled=False, strategy_paths=(str(folder),))._settings(None)
    assert settings.strategy_paths == (*FIXTURE_STRATEGY_PATHS, str(folder.resolve()))
    # Trial 35: started again without the flag, its runs of those strategies went to error; the folder is kept.
    again = Embedded(home, exchange_enabled=False)._settings(None)
    assert again.strategy_paths == (*FIXTURE_STRATEGY_PATHS, str(folder.resolve()))


def test_the_catalog_lists_the_configured_strategies_and_a_file_added_since(stack: Stack, folder: Path) -> None:
    """Trial 27: GET /strategies (the forms' list) held only the built-ins; a user's own strategies could be run
    only through the API or the command line, and a file added later needed a restart."""
    listed = {s["name"]: s for s in stack.client.get("/api/v1/strategies").get_json()}
    assert "sma_cross" in listed
    mine = listed["weaver_sources_mine:BuyOnce"]
    assert mine["description"] == "Buys one share on its first bar (a strategy from a configured folder)."
    assert mine["multi_symbol"] is False and "properties" in mine["params_schema"]
    assert not any(name.startswith(("this", "weaver_sources_marker")) for name in listed)
    (folder / "weaver_sources_later.py").write_text(textwrap.dedent(FOLDER_STRATEGY).replace("BuyOnce", "BuyLater"))
    try:
        again = {s["name"] for s in stack.client.get("/api/v1/strategies").get_json()}
        assert "weaver_sources_later:BuyLater" in again
    finally:
        sys.modules.pop("weaver_sources_later", None)


def test_a_strategy_file_added_since_start_can_be_run_at_once(stack: Stack, folder: Path, owned: Container) -> None:
    """Trial 28: a new file was refused (422) until someone had fetched the catalog."""
    store_daily_bars(owned, "AAPL", days=30)
    (folder / "weaver_sources_fresh.py").write_text(textwrap.dedent(FOLDER_STRATEGY).replace("BuyOnce", "Fresh"))
    try:
        created = stack.client.post("/api/v1/runs", json={**BODY, "strategy": "weaver_sources_fresh:Fresh"})
        assert created.status_code == 201, created.get_json()
    finally:
        sys.modules.pop("weaver_sources_fresh", None)
