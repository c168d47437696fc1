"""GET /api/v1/runs?cells=: the dashboard's top level leaves sweep cells out (each sweep is one row of its
own), `only` lists the cells, `show` (the default, as before) every run; cursor pages give each run once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.walle.models import Run, RunMetric, Sweep
from tests.integration.api.conftest import walk

START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
CELLS = 7


def store(db: Container) -> tuple[str, list[str], list[str]]:
    """Two plain backtests, one older and one newer than a sweep of `CELLS` cells (so the cells sit between
    them in time); every run has a Sharpe ratio. Returns the sweep's id, its cells' ids and the plain runs'."""
    with db.uow() as uow:
        sweep = Sweep(name="fast grid", strategy="sma_cross", grid={"fast": list(range(CELLS))}, settings={},
                      status="completed", total=CELLS)
        uow.session.add(sweep)
        uow.session.flush()

        def run(name: str, at: datetime, sweep_id: str | None, sharpe: float) -> str:
            made = Run(mode="backtest", name=name, strategy="sma_cross", symbols=["AAPL"], timeframe="1Day",
                       cash=Decimal("10000"), status="completed", sweep_id=sweep_id, created_at=at)
            uow.session.add(made)
            uow.session.add(RunMetric(run_id=made.id, name="sharpe", value=sharpe))
            return made.id

        older = run("plain older", START, None, 0.5)
        cells = [run(f"cell {i}", START + timedelta(seconds=1 + i), sweep.id, i / 10) for i in range(CELLS)]
        newer = run("plain newer", START + timedelta(seconds=60), None, 2.5)
        uow.commit()
        return sweep.id, cells, [newer, older]


def names(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"/api/v1/runs?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["name"] for item in response.get_json()["items"]]




def test_cells_filter_gives_exactly_the_expected_runs(api: FlaskClient, any_db: Container) -> None:
    sweep_id, cells, plain = store(any_db)
    everything = ["plain newer", *(f"cell {i}" for i in (6, 5, 4, 3, 2, 1, 0)), "plain older"]
    assert names(api, "") == everything  # the default is unchanged: every run, newest first
    assert names(api, "cells=show") == everything
    assert names(api, "cells=hide") == ["plain newer", "plain older"]
    assert names(api, "cells=only") == [f"cell {i}" for i in (6, 5, 4, 3, 2, 1, 0)]
    assert names(api, f"sweep_id={sweep_id}&sort=sharpe") == [f"cell {i}" for i in (6, 5, 4, 3, 2, 1, 0)]
    assert names(api, "cells=hide&sort=sharpe&order=asc") == ["plain older", "plain newer"]
    body = api.get("/api/v1/runs?cells=hide").get_json()
    assert (body["total"], body["total_exact"]) == (2, True)
    assert [item["sweep_id"] for item in body["items"]] == [None, None]
    assert api.get("/api/v1/runs?cells=only").get_json()["total"] == CELLS
    assert {item["id"] for item in api.get("/api/v1/runs?cells=only").get_json()["items"]} == set(cells)
    assert [item["id"] for item in body["items"]] == plain


def test_cells_filter_combines_with_the_other_filters(api: FlaskClient, any_db: Container) -> None:
    store(any_db)
    assert names(api, "cells=hide&mode=paper") == []
    assert names(api, "cells=hide&strategy=sma_cross&status=completed") == ["plain newer", "plain older"]
    assert names(api, "cells=only&strategy=rsi_revert") == []


def test_cursor_pages_with_each_cells_filter_give_every_run_once_in_order(api: FlaskClient,
                                                                          any_db: Container) -> None:
    _, cells, plain = store(any_db)
    for sort in ("created_at", "name", "status", "sharpe", "trades"):  # `trades`: no run has it (the missing arm)
        for order in ("desc", "asc"):
            base = f"sort={sort}&order={order}"
            for cells_filter, expected in (("hide", set(plain)), ("only", set(cells)),
                                           ("show", set(plain) | set(cells))):
                query = f"{base}&cells={cells_filter}"
                one_page = [item["id"] for item in api.get(f"/api/v1/runs?{query}&per_page=100").get_json()["items"]]
                for per_page in (1, 2, 3):
                    seen = walk(api, query, per_page)
                    assert seen == one_page, f"{query} per_page={per_page}: pages differ from one page"
                    assert len(seen) == len(set(seen)) and set(seen) == expected, f"{query} per_page={per_page}"
                numbered = [item["id"] for page in range(1, 6)
                            for item in api.get(f"/api/v1/runs?{query}&per_page=2&page={page}").get_json()["items"]]
                assert numbered == one_page, f"{query}: numbered pages"


def test_a_cursor_of_another_cells_filter_still_lands_on_runs_of_this_one(api: FlaskClient, any_db: Container) -> None:
    """The cursor names a position, not a filter: continuing a `show` page with `hide` gives top-level runs only."""
    store(any_db)
    first = api.get("/api/v1/runs?per_page=1").get_json()  # "plain newer"
    after = api.get(f"/api/v1/runs?per_page=5&cells=hide&cursor={first['next_cursor']}").get_json()
    assert [item["name"] for item in after["items"]] == ["plain older"]
    assert after["next_cursor"] is None


def test_unknown_cells_value_and_hide_with_a_sweep_are_refused(api: FlaskClient, any_db: Container) -> None:
    sweep_id, _, _ = store(any_db)
    response = api.get("/api/v1/runs?cells=folded")
    assert response.status_code == 422
    assert "cells" in response.get_data(as_text=True)
    response = api.get(f"/api/v1/runs?cells=hide&sweep_id={sweep_id}")
    assert response.status_code == 422
    assert "cells=hide leaves out every cell" in response.get_data(as_text=True)
