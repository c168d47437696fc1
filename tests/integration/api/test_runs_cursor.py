"""GET /api/v1/runs?cursor=: keyset pages return every run once, in order, even while runs are added."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, get_args

from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from app.glados.schemas.runs import RunSort
from app.walle.models import Run, RunMetric
from tests.conftest import TEST_TOKEN, make_settings

SORTS: tuple[str, ...] = get_args(RunSort)
START = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def add_runs(pg: Container, count: int, seed: int, at: datetime) -> list[str]:
    """Runs with many ties (mode, status, strategy, symbols, equal metrics and equal creation times)
    and some without a metric, or with a NULL one."""
    ids: list[str] = []
    with pg.uow() as uow:
        for i in range(seed, seed + count):
            run = Run(mode=("backtest", "paper", "live")[i % 3], name=None if i % 4 == 0 else f"run {i % 7}",
                      strategy=("sma_cross", "rsi_revert")[i % 2], symbols=[("AAPL", "MSFT", "SPY")[i % 3]],
                      timeframe="1Day", cash=Decimal("10000"), status=("created", "completed", "failed")[i % 3],
                      created_at=at + timedelta(seconds=i // 2))  # pairs share a creation time
            uow.session.add(run)
            ids.append(run.id)
            if i % 5 != 4:  # every fifth run has no metrics at all
                for name, value in (("total_return_pct", float(i % 6) - 2), ("sharpe", None if i % 3 == 0 else i / 10),
                                    ("max_drawdown_pct", float(i % 4)), ("trades", float(i % 3))):
                    uow.session.add(RunMetric(run_id=run.id, name=name, value=value))
        uow.commit()
    return ids


def get_page(client: FlaskClient, query: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/runs?{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def walk(client: FlaskClient, pg: Container, sort: str, order: str, adding: bool, per_page: int = 4) -> list[str]:
    """Every id the cursor pages give, adding three runs between the first fetches (newer, older and
    tied with runs already there, so they land before and after the cursor)."""
    seen: list[str] = []
    body = get_page(client, f"sort={sort}&order={order}&per_page={per_page}")
    seed = 1000
    while True:
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            return seen
        if adding and seed < 1012:
            add_runs(pg, 3, seed, START + timedelta(seconds=(seed % 5) * 4 - 6))
            seed += 3
        body = get_page(client, f"sort={sort}&order={order}&per_page={per_page}&cursor={body['next_cursor']}")


def test_cursor_pages_give_every_run_once_while_runs_are_added_for_every_sort(client: FlaskClient,
                                                                                pg: Container) -> None:
    first = set(add_runs(pg, 25, 0, START))
    for sort in SORTS:
        for order in ("desc", "asc"):
            seen = walk(client, pg, sort, order, adding=True, per_page=7)
            assert len(seen) == len(set(seen)), f"{sort} {order}: a run came twice"
            assert first <= set(seen), f"{sort} {order}: missed {len(first - set(seen))} runs"


def test_cursor_pages_follow_the_same_order_as_numbered_pages(client: FlaskClient, pg: Container) -> None:
    add_runs(pg, 22, 0, START)
    for sort in SORTS:
        for order in ("desc", "asc"):
            numbered = [item["id"] for page in range(1, 7)
                        for item in get_page(client, f"sort={sort}&order={order}&per_page=4&page={page}")["items"]]
            assert walk(client, pg, sort, order, adding=False) == numbered, f"{sort} {order}"


def test_filtered_pages_follow_on_the_same_way(client: FlaskClient, pg: Container) -> None:
    add_runs(pg, 30, 0, START)  # 10 of each mode
    for sort in ("trades", "sharpe", "status", "created_at"):
        for order in ("desc", "asc"):
            query = f"mode=paper&sort={sort}&order={order}&per_page=3"
            numbered = [item for page in range(1, 5) for item in get_page(client, f"{query}&page={page}")["items"]]
            walked, body = [], get_page(client, query)
            while True:
                walked += body["items"]
                if body["next_cursor"] is None:
                    break
                body = get_page(client, f"{query}&cursor={body['next_cursor']}")
            assert [r["id"] for r in walked] == [r["id"] for r in numbered], f"{sort} {order}"
            assert len(walked) == 10 and {r["mode"] for r in walked} == {"paper"}, f"{sort} {order}"
            assert body["total"] == 10 and body["total_exact"]


def test_a_page_says_how_many_runs_match_and_the_last_page_has_no_cursor(client: FlaskClient,
                                                                          pg: Container) -> None:
    add_runs(pg, 6, 0, START)
    body = get_page(client, "per_page=4&mode=backtest")
    assert (body["total"], body["total_exact"], len(body["items"]), body["next_cursor"]) == (2, True, 2, None)
    body = get_page(client, "per_page=4")
    assert body["total"] == 6 and body["next_cursor"] is not None
    assert len(get_page(client, f"per_page=4&cursor={body['next_cursor']}")["items"]) == 2
    # The dashboard sends the page number it shows beside the cursor: the cursor decides, the number comes back.
    shown = get_page(client, f"per_page=4&page=2&cursor={body['next_cursor']}")
    assert (shown["page"], len(shown["items"]), shown["total"]) == (2, 2, 6)


def test_a_foreign_or_garbled_cursor_is_a_422_with_the_standard_error_body(client: FlaskClient,
                                                                            pg: Container) -> None:
    add_runs(pg, 3, 0, START)
    cursor = get_page(client, "per_page=1&sort=sharpe")["next_cursor"]
    for query in (f"sort=name&cursor={cursor}", f"sort=sharpe&order=asc&cursor={cursor}", "cursor=not-a-cursor",
                  "cursor=WzEsMl0"):
        response = client.get(f"/api/v1/runs?{query}")
        assert response.status_code == 422, query
        body = response.get_json()
        assert body["code"] == "validation_failed" and "cursor" in body["details"]["fields"], query


def test_cursor_pages_work_the_same_on_sqlite_for_weaver_standalone(sqlite_url: str) -> None:
    container = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        first = set(add_runs(container, 22, 0, START))
        for sort in ("created_at", "name", "symbols", "sharpe"):
            for order in ("desc", "asc"):
                numbered = [item["id"] for page in range(1, 7)
                            for item in get_page(client, f"sort={sort}&order={order}&per_page=4&page={page}")["items"]]
                assert walk(client, container, sort, order, adding=False) == numbered, f"{sort} {order}"
                assert set(numbered) == first
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()
