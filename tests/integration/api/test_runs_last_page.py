"""GET /api/v1/runs: a full last page ends the walk (no cursor to an empty page), and a hand-edited
cursor is a 422 like any other cursor this API did not write, never a 500."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.api.test_runs_cursor import START, add_runs, get_page

# Column and metric sorts, both orders, with and without a filter: 24 runs, 8 of each mode.
CASES = [(sort, order, query) for sort in ("created_at", "name", "status", "sharpe", "trades")
         for order in ("desc", "asc") for query in ("", "&mode=paper")]


def walk_pages(client: FlaskClient, query: str) -> list[list[dict[str, Any]]]:
    pages = [get_page(client, query)]
    while pages[-1]["next_cursor"] is not None:
        pages.append(get_page(client, f"{query}&cursor={pages[-1]['next_cursor']}"))
    return pages


@pytest.mark.parametrize(("sort", "order", "filtered"), CASES)
def test_a_full_last_page_has_no_cursor_and_the_walk_gives_every_run_once(
        client: FlaskClient, pg: Container, sort: str, order: str, filtered: str) -> None:
    ids = add_runs(pg, 24, 0, START)
    expected = set(ids) if not filtered else set(ids[1::3])  # i % 3 == 1: paper
    per_page = 4 if filtered else 6  # 8 paper runs, 24 in all: exact multiples
    query = f"sort={sort}&order={order}&per_page={per_page}{filtered}"
    pages = walk_pages(client, query)
    assert [len(page["items"]) for page in pages] == [per_page] * (len(expected) // per_page)
    seen = [item["id"] for page in pages for item in page["items"]]
    assert len(seen) == len(set(seen)) and set(seen) == expected
    numbered = get_page(client, f"{query}&page={len(pages)}")
    assert [item["id"] for item in numbered["items"]] == [item["id"] for item in pages[-1]["items"]]
    assert numbered["next_cursor"] is None


def test_one_run_short_of_a_full_page_and_one_over(client: FlaskClient, pg: Container) -> None:
    add_runs(pg, 9, 0, START)
    assert [len(p["items"]) for p in walk_pages(client, "per_page=3&sort=sharpe")] == [3, 3, 3]
    assert [len(p["items"]) for p in walk_pages(client, "per_page=4&sort=sharpe")] == [4, 4, 1]
    assert [len(p["items"]) for p in walk_pages(client, "per_page=10&sort=sharpe")] == [9]
    assert [len(p["items"]) for p in walk_pages(client, "per_page=9&sort=name&order=asc")] == [9]


def cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(parts))).decode().rstrip("=")


CREATED = "2026-12-03T08:47:55+00:00"
RUN_ID = "0b7f3c52-6d7e-4a55-9c1e-6a3f2f1d9e10"
BAD_CURSORS = [
    # metric sorts: a finite number or null
    *[("sharpe", key, CREATED, RUN_ID) for key in ("abc", "1.5", True, [1], {"a": 1})],
    ("trades", "NaN", CREATED, RUN_ID),
    # created_at: an ISO datetime with its offset
    *[("created_at", key, CREATED, RUN_ID) for key in ("abc", 5, None, "2026-12-03T08:47:55", [CREATED])],
    # text sorts: a string
    *[(sort, key, CREATED, RUN_ID) for sort in ("name", "status", "symbols")
      for key in (5, None, 1.5, ["x"], "a\x00b")],
    # the position's creation time and id
    *[("sharpe", 1.5, created, RUN_ID) for created in ("abc", 5, None, "2026-12-03T08:47:55", "2026-13-40T00:00:00Z")],
    *[("name", "run 1", CREATED, run_id) for run_id in ("abc", 5, None, "' OR 1=1 --", RUN_ID.upper())],
]


def assert_bad_cursor(client: FlaskClient, sort: str, key: Any, created_at: Any, run_id: Any) -> None:
    token = cursor(sort, "desc", key, created_at, run_id)
    response = client.get(f"/api/v1/runs?sort={sort}&cursor={token}")
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body.pop("correlation_id")
    assert body == {
        "code": "validation_failed", "message": "invalid query: cursor: not a cursor this API returned",
        "details": {"fields": {"cursor": "not a cursor this API returned"}}}


@pytest.mark.parametrize(("sort", "key", "created_at", "run_id"), BAD_CURSORS)
def test_a_hand_edited_cursor_is_a_422_on_postgres(client: FlaskClient, pg: Container, sort: str, key: Any,
                                                   created_at: Any, run_id: Any) -> None:
    add_runs(pg, 3, 0, START)
    assert_bad_cursor(client, sort, key, created_at, run_id)


@pytest.fixture
def lite_client(sqlite_url: str) -> Iterator[FlaskClient]:
    container = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    app: Flask = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        add_runs(container, 9, 0, START)
        yield client
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()


def test_sqlite_ends_on_a_full_page_and_refuses_hand_edited_cursors(lite_client: FlaskClient) -> None:
    for sort, order in (("created_at", "desc"), ("sharpe", "asc"), ("name", "desc")):
        assert [len(p["items"]) for p in walk_pages(lite_client, f"per_page=3&sort={sort}&order={order}")] == [3, 3, 3]
    for bad in BAD_CURSORS:
        assert_bad_cursor(lite_client, *bad)


def test_an_edited_cursor_that_is_still_well_formed_pages_on(client: FlaskClient, pg: Container) -> None:
    """A key of the right type is a position like any other: an integer metric key or a null one."""
    add_runs(pg, 6, 0, START)
    for key in (1, None):
        body = get_page(client, f"sort=sharpe&per_page=2&cursor={cursor('sharpe', 'desc', key, CREATED, RUN_ID)}")
        assert isinstance(body["items"], list)
