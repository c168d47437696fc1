"""GET /api/v1/runs writes its items straight from the database: each says what GET /runs/{id} says."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import orjson
import psycopg
from flask.testing import FlaskClient
from sqlalchemy import delete, update

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from app.walle.bulk import bulk_insert
from app.walle.models import Run, RunMetric
from app.walle.repositories import RunFilter
from app.walle.repositories.run_pages import RunPages, reading
from tests.conftest import TEST_TOKEN, make_settings

START = datetime(2026, 1, 5, 9, 30, 0, 250_000, tzinfo=UTC)
JSON_TEXT = {"params", "symbols", "fees", "slippage", "options", "metrics"}  # sent as stored


def add_varied_runs(container: Container) -> list[str]:
    """Runs with every kind of field: names and none, exact cash, nested options, dates and none, an
    error, a sweep-less cell, metrics that are NaN, infinite or missing."""
    ids = []
    with container.uow() as uow:
        for i in range(4):
            run = uow.runs.add(Run(
                mode=("backtest", "paper")[i % 2], name=None if i % 2 else f"cell {i} \"quoted\" ✓",
                strategy="sma_cross", params={"fast": 5 + i, "slow": 20.5, "label": "a\u00e9\\b"},
                symbols=["AAPL", "MSFT"][: 1 + i % 2], timeframe="1Day", cash=Decimal("10000.1234"),
                fees={"model": "percent", "rate": "0.0005"}, slippage={"model": "bps", "value": "2"},
                options={"fractional": True, "risk": {"max_daily_loss": "250.50"}}, status="completed",
                error=None if i else "failed once", progress=0.5 * i, created_at=START + timedelta(seconds=i),
                updated_at=START + timedelta(seconds=i, microseconds=7), start_at=START - timedelta(days=30),
                end_at=None if i % 2 else START, finished_at=START + timedelta(minutes=i)))
            uow.session.flush()
            ids.append(run.id)
        bulk_insert(uow.session, RunMetric.__table__, [  # type: ignore[arg-type]
            {"run_id": ids[0], "name": "sharpe", "value": float("nan")},
            {"run_id": ids[0], "name": "total_return_pct", "value": 12.345678901234567},
            {"run_id": ids[1], "name": "sharpe", "value": float("inf")},
            {"run_id": ids[1], "name": "trades", "value": 3.0},
            {"run_id": ids[2], "name": "sharpe", "value": None},
        ])
        uow.commit()
    return ids


def reject_constant(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def assert_items_match_single_runs(client: FlaskClient, count: int) -> None:
    for sort in ("created_at", "sharpe", "name"):
        body = client.get(f"/api/v1/runs?per_page=10&sort={sort}").get_json()
        assert len(body["items"]) == count
        for item in body["items"]:
            response = client.get(f"/api/v1/runs/{item['id']}")
            # A NaN or infinite metric is null in both (strict JSON: no bare NaN or Infinity).
            alone = json.loads(response.data, parse_constant=reject_constant)
            assert item == alone, sort


def test_each_list_item_equals_the_run_read_alone(client: FlaskClient, pg: Container) -> None:
    ids = add_varied_runs(pg)
    assert_items_match_single_runs(client, 4)
    items = {item["id"]: item for item in client.get("/api/v1/runs").get_json()["items"]}
    assert items[ids[0]]["metrics"] == {"sharpe": None, "total_return_pct": 12.345678901234567}
    assert items[ids[1]]["metrics"] == {"sharpe": None, "trades": 3.0}  # infinite: null, as before
    assert items[ids[3]]["metrics"] == {} and items[ids[0]]["cash"] == "10000.1234"
    assert items[ids[0]]["created_at"] == "2026-01-05T09:30:00.250000Z"


def test_each_list_item_equals_the_run_read_alone_on_sqlite(sqlite_url: str) -> None:
    container = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        add_varied_runs(container)
        assert_items_match_single_runs(client, 4)
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()


def run_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


def test_past_a_thousand_runs_the_total_says_more(client: FlaskClient, pg: Container, pg_url: str) -> None:
    with psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://")) as conn, conn.cursor() as cur:
        with cur.copy("COPY runs (id, mode, strategy, params, symbols, timeframe, cash, fees, slippage, options, "
                      "status, progress, created_at, updated_at) FROM STDIN") as copy:
            for i in range(1001):
                at = START + timedelta(seconds=i)
                copy.write_row((run_id(i), "backtest" if i else "paper", "sma_cross", "{}", '["AAPL"]', "1Day",
                                "10000", "{}", "{}", "{}", "completed", 1.0, at, at))
    body = client.get("/api/v1/runs?per_page=2").get_json()
    assert (body["total"], body["total_exact"], [i["id"] for i in body["items"]]) == (1000, False,
                                                                                      [run_id(1000), run_id(999)])
    body = client.get(f"/api/v1/runs?per_page=2&cursor={body['next_cursor']}").get_json()  # not counted again
    assert (body["total"], body["total_exact"], [i["id"] for i in body["items"]]) == (1000, False,
                                                                                      [run_id(998), run_id(997)])
    body = client.get("/api/v1/runs?per_page=2&mode=paper").get_json()
    assert (body["total"], body["total_exact"], body["next_cursor"]) == (1, True, None)


def test_postgres_writes_each_item_byte_for_byte_as_the_run_alone(client: FlaskClient, pg: Container) -> None:
    """Each field of the item text Postgres keeps (migration 0015) is what orjson writes of the run
    read alone, byte for byte (but the JSON columns and metrics, sent as stored): microseconds or none,
    a whole and a half progress, escapes, nulls."""
    ids = add_varied_runs(pg)
    with pg.uow() as uow:
        whole = uow.runs.add(Run(
            mode="backtest", name="tab\there\nline \u0001 \"q\" \\ é", strategy="sma_cross", params={}, symbols=["SPY"],
            timeframe="1Min", cash=Decimal("0.0001"), fees={}, slippage={}, options={}, status="running", progress=0.25,
            created_at=datetime(2026, 2, 1, 14, 0, tzinfo=UTC), updated_at=datetime(2026, 2, 1, 14, 0, 1, tzinfo=UTC),
            queued_at=datetime(2026, 2, 1, 13, 59, 59, 999_999, tzinfo=UTC)))
        uow.commit()
        ids.append(whole.id)
    with reading(pg.read_engine) as conn:
        found = RunPages(conn).after(RunFilter(), limit=10)
    texts = [text for text, _mode, _status, _error in found.items]
    assert found.json_text and len(texts) == 5
    for text in texts:
        item = orjson.loads(text)
        alone = client.get(f"/api/v1/runs/{item['id']}").data
        added = {name: orjson.loads(alone)[name] for name in ("metrics_unavailable", "state")}  # added in Python
        assert {**item, **added} == orjson.loads(alone)
        for name, value in orjson.loads(alone).items():  # the JSON columns are sent as stored (json.dumps spacing)
            if name not in JSON_TEXT and name not in added:
                written = b'"%s":%s' % (name.encode(), orjson.dumps(value, option=orjson.OPT_UTC_Z))
                assert written in alone and written in text.encode(), name
    listed = {orjson.loads(text)["id"]: text for text in texts}
    assert '"progress":1.0,' in listed[ids[2]] and '"progress":0.0,' in listed[ids[0]]
    assert '"created_at":"2026-02-01T14:00:00Z","updated_at":"2026-02-01T14:00:01Z"' in listed[whole.id]
    assert '"queued_at":"2026-02-01T13:59:59.999999Z"' in listed[whole.id]


def test_the_list_follows_a_runs_metrics_as_they_are_written_changed_and_deleted(client: FlaskClient,
                                                                                  pg: Container) -> None:
    """On Postgres the list reads `runs.metrics_json`, kept by 0009's triggers: every writer of
    run_metrics (a live run's marking updates them, results are cleared before a re-run) is seen."""
    ids = add_varied_runs(pg)

    def listed(run_id: str) -> dict[str, float | None]:
        items = client.get("/api/v1/runs?per_page=50").get_json()["items"]
        found = {item["id"]: item["metrics"] for item in items}[run_id]
        assert found == client.get(f"/api/v1/runs/{run_id}").get_json()["metrics"]
        return found

    assert listed(ids[3]) == {}
    with pg.uow() as uow:
        bulk_insert(uow.session, RunMetric.__table__, [  # type: ignore[arg-type]
            {"run_id": ids[3], "name": "sharpe", "value": 1.25}, {"run_id": ids[3], "name": "trades", "value": 7.0}])
        uow.commit()
    assert listed(ids[3]) == {"sharpe": 1.25, "trades": 7}
    with pg.uow() as uow:
        uow.session.execute(update(RunMetric).where(RunMetric.run_id == ids[3], RunMetric.name == "sharpe")
                            .values(value=-0.5))
        uow.session.execute(delete(RunMetric).where(RunMetric.run_id == ids[3], RunMetric.name == "trades"))
        uow.commit()
    assert listed(ids[3]) == {"sharpe": -0.5}
    with pg.uow() as uow:
        uow.session.execute(delete(RunMetric).where(RunMetric.run_id == ids[3]))
        uow.session.execute(delete(Run).where(Run.id == ids[0]))  # its metrics go by cascade
        uow.commit()
    assert listed(ids[3]) == {}
    assert ids[0] not in {item["id"] for item in client.get("/api/v1/runs").get_json()["items"]}


def test_the_list_follows_a_run_as_it_changes(client: FlaskClient, pg: Container) -> None:
    """On Postgres each item is kept as text by 0015's trigger: an update of the run (a backtest's progress,
    its finish) is in the next page, as GET /runs/{id} says it."""
    ids = add_varied_runs(pg)
    with pg.uow() as uow:
        uow.session.execute(update(Run).where(Run.id == ids[1]).values(
            status="running", progress=0.5, started_at=START + timedelta(minutes=1), name="renamed \"é\""))
        uow.commit()
    item = {item["id"]: item for item in client.get("/api/v1/runs?per_page=50").get_json()["items"]}[ids[1]]
    alone = client.get(f"/api/v1/runs/{ids[1]}").get_json()
    assert item == alone
    assert (item["status"], item["progress"], item["started_at"], item["name"]) == (
        "running", 0.5, "2026-01-05T09:31:00.250000Z", "renamed \"é\"")
