from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.events.commands import StartBacktest
from app.events.reader import read_events
from tests.integration.api.conftest import issued, store_daily_bars

SPEC: dict[str, Any] = {"strategy": "sma_cross", "symbols": ["AAPL"], "timeframe": "1Day",
                        "params": {"fast": 5, "slow": 20}, "cash": "10000.50"}


def create(client: FlaskClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/runs", json={**SPEC, **overrides})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_fills_defaults_and_the_data_window_and_records_an_event(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "AAPL", days=100)
    run = create(client, name="first")
    assert run["status"] == "created" and run["mode"] == "backtest"
    assert run["params"] == {"fast": 5, "slow": 20, "percent": 100.0, "allow_short": False}
    assert run["cash"] == "10000.5000"
    assert run["start_at"] == "2023-01-02T00:00:00Z" and run["end_at"] == "2023-04-11T00:00:00Z"
    with pg.read_session() as session:
        (event,) = read_events(session, 0, run_id=run["id"])
    assert event.type == "run.created" and event.payload["status"] == "created"


def test_lifecycle_start_then_illegal_moves_are_409(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "AAPL")
    run = create(client)
    started = client.post(f"/api/v1/runs/{run['id']}/start")
    assert started.status_code == 202 and started.get_json()["status"] == "queued"
    assert issued(pg) == [StartBacktest(run["id"])]
    again = client.post(f"/api/v1/runs/{run['id']}/start")
    assert again.status_code == 409
    body = again.get_json()
    assert body["code"] == "invalid_transition" and body["details"] == {"status": "queued", "requested": "queued"}
    deleting = client.delete(f"/api/v1/runs/{run['id']}")
    assert deleting.status_code == 409 and "stop it" in deleting.get_json()["message"]
    stopped = client.post(f"/api/v1/runs/{run['id']}/stop", json={})
    assert stopped.get_json()["status"] == "cancelled"
    requeued = client.post(f"/api/v1/runs/{run['id']}/start")  # a cancelled backtest may run again
    assert requeued.get_json()["status"] == "queued" and requeued.get_json()["error"] is None
    with pg.read_session() as session:
        types = [e.type for e in read_events(session, 0, run_id=run["id"])]
    assert types == ["run.created", "run.queued", "run.cancelled", "run.queued"]


def test_start_now_queues_at_once(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "AAPL")
    run = create(client, start_now=True)
    assert run["status"] == "queued" and issued(pg) == [StartBacktest(run["id"])]


def test_delete_a_finished_run(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "AAPL")
    run = create(client)
    client.post(f"/api/v1/runs/{run['id']}/start")
    client.post(f"/api/v1/runs/{run['id']}/stop", json={})
    assert client.delete(f"/api/v1/runs/{run['id']}").status_code == 204
    assert client.get(f"/api/v1/runs/{run['id']}").status_code == 404


def test_list_filters_paginates_newest_first(client: FlaskClient, pg: Container) -> None:
    store_daily_bars(pg, "AAPL")
    store_daily_bars(pg, "MSFT")
    ids = [create(client, name=f"r{i}", symbols=["MSFT" if i % 2 else "AAPL"],
                  strategy="rsi_reversion" if i == 4 else "sma_cross",
                  params={} if i == 4 else SPEC["params"])["id"] for i in range(5)]
    page = client.get("/api/v1/runs?per_page=2&page=2").get_json()
    assert page["total"] == 5 and page["page"] == 2 and [r["name"] for r in page["items"]] == ["r2", "r1"]
    only = client.get("/api/v1/runs?strategy=rsi_reversion").get_json()
    assert [r["id"] for r in only["items"]] == [ids[4]]
    assert client.get("/api/v1/runs?status=completed").get_json()["total"] == 0


def test_run_records_of_an_unknown_run_are_404(client: FlaskClient) -> None:
    for record in ("orders", "fills", "trades", "positions", "equity", "events"):
        assert client.get(f"/api/v1/runs/nope/{record}").status_code == 404


def test_strategies_endpoint_lists_schemas(client: FlaskClient) -> None:
    listed = {s["name"]: s for s in client.get("/api/v1/strategies").get_json()}
    assert {"sma_cross", "rsi_reversion", "bollinger_breakout", "buy_and_hold", "momentum_rotation"} <= set(listed)
    fast = listed["sma_cross"]["params_schema"]["properties"]["fast"]
    assert fast["type"] == "integer" and fast["default"] == 10 and fast["minimum"] == 2
    assert client.get("/api/v1/strategies/sma_cross").get_json()["name"] == "sma_cross"
    assert client.get("/api/v1/strategies/nope").status_code == 404


def test_an_unknown_status_filter_is_a_422_like_an_unknown_mode(client: FlaskClient, pg: Container) -> None:
    for query in ("status=bogus", "mode=bogus"):
        answer = client.get(f"/api/v1/runs?{query}")
        assert answer.status_code == 422, query
        assert answer.get_json()["code"] == "validation_failed"
    assert client.get("/api/v1/runs?status=stopped").status_code == 200
