"""A whole-number metric (a trade count) reads as an integer, in the runs list and in one run alike."""

from __future__ import annotations

import orjson
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from app.glados.run_page_json import metric_numbers
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.api.test_runs_list_body import add_varied_runs


def metrics_as_sent(client: FlaskClient, run_id: str) -> tuple[bytes, bytes]:
    """The run's metrics as the list and GET /runs/{id} write them, byte for byte."""
    listed = {item["id"]: item for item in orjson.loads(client.get("/api/v1/runs").data)["items"]}
    alone = orjson.loads(client.get(f"/api/v1/runs/{run_id}").data)
    return orjson.dumps(listed[run_id]["metrics"]), orjson.dumps(alone["metrics"])


def test_a_trade_count_is_an_integer_in_the_list_and_the_run(client: FlaskClient, pg: Container) -> None:
    ids = add_varied_runs(pg)
    assert metrics_as_sent(client, ids[1]) == (b'{"sharpe":null,"trades":3}',) * 2
    assert metrics_as_sent(client, ids[0]) == (b'{"sharpe":null,"total_return_pct":12.345678901234567}',) * 2


def test_a_trade_count_is_an_integer_on_sqlite(sqlite_url: str) -> None:
    container = bootstrap(make_settings(sqlite_url, broker="memory"), listen=False)
    app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    try:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
        ids = add_varied_runs(container)
        assert metrics_as_sent(client, ids[1]) == (b'{"sharpe":null,"trades":3}',) * 2
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()


def test_only_exact_whole_numbers_become_integers() -> None:
    found = metric_numbers({"trades": 58.0, "sharpe": 1.5, "none": None, "nan": float("nan"),
                            "inf": float("inf"), "huge": 1e20, "negative": -3.0})
    assert found == {"trades": 58, "sharpe": 1.5, "none": None, "nan": found["nan"], "inf": float("inf"),
                     "huge": 1e20, "negative": -3}
    assert [type(found[name]) for name in ("trades", "huge", "negative")] == [int, float, int]
