"""GET /api/v1/runs?sort=&order= orders every run on the server, before paginating."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.walle.models import RunMetric
from tests.integration.api.conftest import store_daily_bars

SPEC: dict[str, Any] = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                        "params": {"fast": 5, "slow": 20}, "cash": "10000"}

# name -> (total_return_pct, sharpe); None: no metric row at all, "null": a row with a NULL value
RETURNS: dict[str, tuple[Any, Any]] = {
    "a": (12.5, 1.1), "b": (-3.0, -0.2), "c": (None, None), "d": (40.0, "null"), "e": (0.0, 2.5),
    "f": ("null", 0.7), "g": (7.25, None),
}


def make_runs(client: FlaskClient, pg: Container) -> dict[str, str]:
    store_daily_bars(pg, "AAPL", days=60)
    ids: dict[str, str] = {}
    for name in RETURNS:
        response = client.post("/api/v1/runs", json={**SPEC, "name": name})
        assert response.status_code == 201, response.get_json()
        ids[name] = response.get_json()["id"]
    with pg.uow() as uow:
        for name, (total_return, sharpe) in RETURNS.items():
            for metric, value in (("total_return_pct", total_return), ("sharpe", sharpe)):
                if value is not None:
                    uow.session.add(RunMetric(run_id=ids[name], name=metric, value=None if value == "null" else value))
        uow.commit()
    return ids


def names_across_pages(client: FlaskClient, query: str, per_page: int = 3) -> list[str]:
    names: list[str] = []
    page = 1
    while True:
        response = client.get(f"/api/v1/runs?{query}&per_page={per_page}&page={page}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["total"] == len(RETURNS)
        names += [r["name"] for r in body["items"]]
        if page * per_page >= body["total"]:
            return names
        page += 1


def test_sorting_by_a_metric_spans_every_page_with_missing_values_last(client: FlaskClient, pg: Container) -> None:
    make_runs(client, pg)
    assert names_across_pages(client, "sort=total_return_pct&order=desc") == ["d", "a", "g", "e", "b", "f", "c"]
    # NULLs stay last ascending too; between themselves the newest comes first
    assert names_across_pages(client, "sort=total_return_pct&order=asc") == ["b", "e", "g", "a", "d", "f", "c"]
    assert names_across_pages(client, "sort=sharpe&order=desc") == ["e", "a", "f", "b", "g", "d", "c"]
    first = client.get("/api/v1/runs?sort=sharpe&order=desc&per_page=2").get_json()["items"][0]
    assert first["name"] == "e" and first["metrics"] == {"total_return_pct": 0.0, "sharpe": 2.5}


def test_sorting_by_a_column_and_the_default_newest_first(client: FlaskClient, pg: Container) -> None:
    make_runs(client, pg)
    newest_first = list(reversed(RETURNS))
    assert names_across_pages(client, "mode=backtest") == newest_first
    assert names_across_pages(client, "sort=created_at&order=desc") == newest_first
    assert names_across_pages(client, "sort=created_at&order=asc") == list(RETURNS)
    assert names_across_pages(client, "sort=name&order=asc") == sorted(RETURNS)
    for key in ("strategy", "mode", "status", "symbols", "max_drawdown_pct", "trades"):  # all tie: newest first
        assert names_across_pages(client, f"sort={key}&order=asc") == newest_first, key


def test_a_bad_sort_key_or_order_is_a_422_with_the_standard_error_body(client: FlaskClient) -> None:
    for query, field in (("sort=password", "sort"), ("sort=total_return_pct&order=up", "order")):
        response = client.get(f"/api/v1/runs?{query}")
        assert response.status_code == 422
        body = response.get_json()
        assert set(body) == {"code", "message", "details", "correlation_id"}
        assert body["code"] == "validation_failed" and field in body["details"]["fields"]


def test_the_openapi_document_lists_the_sort_keys_and_orders(client: FlaskClient) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/api/v1/runs"]["get"]["parameters"]}
    assert params["sort"]["schema"]["default"] == "created_at"
    sorts = set(params["sort"]["schema"]["enum"])
    assert {"created_at", "name", "status", "total_return_pct", "sharpe", "max_drawdown_pct", "trades"} <= sorts
    assert params["order"]["schema"]["enum"] == ["asc", "desc"] and params["order"]["schema"]["default"] == "desc"
