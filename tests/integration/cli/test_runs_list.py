"""`weaver runs list` prints whole run ids, the handle every other `weaver runs` command takes."""

from __future__ import annotations

from app.bootstrap import Container, build_services
from app.services.specs import RunCreate
from tests.integration.api.conftest import store_daily_bars
from tests.integration.conftest import weaver


def test_runs_list_on_a_narrow_terminal_keeps_every_id_whole(pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True,
                                         symbols=["AAPL"], timeframe="1Day", cash="10000"))
    assert services.backtests.execute(run.id) == "completed"

    listed = weaver("runs", "list", env={**cli_env, "COLUMNS": "60"}, timeout=60)

    assert listed.returncode == 0, listed.stderr
    assert run.id in listed.stdout
