"""POST /api/v1/walkforwards without a direction chooses each fold's cell by the objective's better end (the
lowest drawdown, the highest return); a direction against the objective's sense is a 422 naming it."""

from __future__ import annotations

from flask.testing import FlaskClient

from app.bootstrap import Container
from tests.integration.api.test_walkforwards import BODY
from tests.integration.workers.test_walkforward import store_walk


def test_the_direction_defaults_to_the_objectives_better_end_and_its_worse_end_is_refused(
        pg: Container, client: FlaskClient) -> None:
    """A trial maximised max_drawdown_pct (the old default) and was given each fold's deepest drawdown."""
    store_walk(pg)
    drawdown = client.post("/api/v1/walkforwards", json={**BODY, "objective": "max_drawdown_pct"})
    assert drawdown.status_code == 201, drawdown.get_json()
    assert drawdown.get_json()["direction"] == "min"
    assert client.post("/api/v1/walkforwards", json=BODY).get_json()["direction"] == "max"  # a return
    exposure = client.post("/api/v1/walkforwards", json={**BODY, "objective": "exposure_pct", "direction": "max"})
    assert exposure.status_code == 201 and exposure.get_json()["direction"] == "max"  # taste: either end

    worst = client.post("/api/v1/walkforwards", json={**BODY, "objective": "max_drawdown_pct", "direction": "max"})
    assert worst.status_code == 422
    assert worst.get_json()["details"]["fields"] == {
        "direction": "Max DD is better lower: best is the lowest (direction 'min', or leave direction out)"}
    lowest = client.post("/api/v1/walkforwards", json={**BODY, "objective": "sharpe", "direction": "min"})
    assert lowest.status_code == 422 and lowest.get_json()["details"]["fields"] == {
        "direction": "Sharpe is better higher: best is the highest (direction 'max', or leave direction out)"}


def test_buy_and_hold_is_refused_as_an_objective(client: FlaskClient) -> None:
    answer = client.post("/api/v1/walkforwards", json={**BODY, "objective": "benchmark_return_pct"})
    assert answer.status_code == 422
    assert answer.get_json()["details"]["fields"] == {"objective": (
        "buy & hold's return is the same in every cell of a window, so it cannot choose one: choose by a figure "
        "of the strategy's own (total_return_pct, sharpe, ...)")}
