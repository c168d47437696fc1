"""`weaver runs list` fits 80 columns (short ids, cut names, compact dates in the stated zone), and every
`weaver runs <cmd> ID` takes a unique prefix of 6+ characters of the id, refusing an ambiguous one by
naming the candidates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from app.bootstrap import Container, build_services
from app.services.specs import RunCreate
from app.walle.models import Run
from tests.integration.api.conftest import store_daily_bars
from tests.integration.conftest import weaver
from tests.integration.foundation.factories import make_run

LONG_NAME = "a very long run name that cannot fit a narrow terminal"
TWINS = ("abcdef01-0000-4000-8000-000000000001", "abcdef02-0000-4000-8000-000000000002")


def _runs(pg: Container) -> str:
    """A completed backtest with a long name, and two runs whose ids share their first six characters."""
    store_daily_bars(pg, "AAPL", days=60)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True,
                                         name=LONG_NAME, symbols=["AAPL"], timeframe="1Day"))
    assert services.backtests.execute(run.id) == "completed"
    with pg.uow() as uow:
        for index, run_id in enumerate(TWINS):
            uow.runs.add(make_run(id=run_id, symbols=["AAPL", "MSFT", "GOOG", "NVDA"],
                                  created_at=datetime(2025, 3, 4 + index, 9, 30, tzinfo=UTC)))
        uow.commit()
    return run.id


def test_runs_list_fits_80_columns_with_short_ids_and_stated_times(pg: Container, cli_env: dict[str, str]) -> None:
    run_id = _runs(pg)

    listed = weaver("runs", "list", env={**cli_env, "TZ": "UTC", "COLUMNS": "80"}, timeout=60)

    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, listed.stdout
    assert "3 run(s), newest first; times in UTC" in lines[0]
    mine = next(line for line in lines if line.startswith(run_id[:8]))
    assert run_id not in listed.stdout  # the first 8 characters only
    assert "a very long r…" in mine and "completed" in mine and "backtest" in mine
    twin = next(line for line in lines if line.startswith(TWINS[0][:8]))
    assert "2025-03-04" in twin and "AAPL,MSF…" in twin  # another year: the date alone
    assert "more: --limit" not in listed.stdout

    cut = weaver("runs", "list", "--limit", "2", env={**cli_env, "TZ": "UTC", "COLUMNS": "80"}, timeout=60)
    assert "3 run(s), newest first" in cut.stdout and len([ln for ln in cut.stdout.splitlines() if ln[:1].isalnum()
                                                            and ln[:8] in (run_id[:8], *(t[:8] for t in TWINS))]) == 2
    assert "the newest 2 shown; 1 more: --limit 3" in cut.stdout  # trial 33: 25 said, 20 shown, no word why


def test_every_runs_command_takes_a_unique_prefix_of_the_id(pg: Container, cli_env: dict[str, str]) -> None:
    run_id = _runs(pg)

    shown = weaver("runs", "show", run_id[:8], env=cli_env, timeout=60)
    exported = weaver("runs", "export", run_id[:6], "--what", "equity", "--format", "json", env=cli_env, timeout=60)

    assert shown.returncode == 0, shown.stderr
    assert f"Run:            {run_id}" in shown.stdout and "Starting cash:  $100,000.00" in shown.stdout
    assert exported.returncode == 0, exported.stderr
    assert Decimal(json.loads(exported.stdout)[0]["cash"]) == Decimal(100_000)
    with pg.read_session() as session:
        assert session.get(Run, run_id).cash == Decimal(100_000)  # the API's default, as the CLI's


def test_an_ambiguous_or_short_prefix_is_refused_naming_the_candidates(pg: Container, cli_env: dict[str, str]) -> None:
    _runs(pg)

    ambiguous = weaver("runs", "show", "abcdef", env=cli_env, timeout=60)
    short = weaver("runs", "export", "abcde", env=cli_env, timeout=60)
    unknown = weaver("runs", "stop", "ffffffff", env=cli_env, timeout=60)

    assert ambiguous.returncode == 2 and ambiguous.stdout == ""
    assert "'abcdef' starts the ids of several runs; give more of the id" in ambiguous.stderr
    assert TWINS[0] in ambiguous.stderr and TWINS[1] in ambiguous.stderr
    assert short.returncode == 2 and "at least 6 of its first characters" in short.stderr
    assert unknown.returncode == 2 and "no run with id 'ffffffff' or an id starting with it" in unknown.stderr
    assert weaver("runs", "show", "abcdef02", env=cli_env, timeout=60).returncode == 0
