"""A run's event log filtered by type: `?type=order.filled,position.changed`, or a family with `order.*`;
its newest page with `order=desc`. An unknown type is a 422 at the `type` field that lists the types there are;
commands are never events."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from tests.integration.foundation.factories import make_run


def _run_with_events(pg: Container) -> str:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running", timeframe="1Min", cash=Decimal("1000")))
        uow.session.flush()
        emit = uow.outbox.emit
        order = {"run_id": run.id, "order_id": "o-1", "client_order_id": "c-1", "symbol": "AAPL"}
        emit("order.submitted", {**order, "status": "submitted"}, run_id=run.id)
        emit("order.filled", {**order, "status": "filled"}, run_id=run.id)
        emit("position.changed", {"run_id": run.id, "symbol": "AAPL", "qty": "5.000000000"}, run_id=run.id)
        emit("run.bars_missed", {"run_id": run.id, "count": 2, "first": "2026-12-03T15:00:00Z",
                                 "last": "2026-12-03T15:01:00Z"}, run_id=run.id)
        uow.commit()
        return run.id


def _types(client: FlaskClient, run_id: str, query: str) -> list[str]:
    answer = client.get(f"/api/v1/runs/{run_id}/events{query}")
    assert answer.status_code == 200, answer.get_json()
    return [event["type"] for event in answer.get_json()]


def test_the_log_keeps_only_the_types_asked_for(pg: Container, client: FlaskClient) -> None:
    run_id = _run_with_events(pg)
    everything = _types(client, run_id, "")
    assert everything[-4:] == ["order.submitted", "order.filled", "position.changed", "run.bars_missed"]

    assert _types(client, run_id, "?type=order.filled,position.changed") == ["order.filled", "position.changed"]
    assert _types(client, run_id, "?type=order.*") == ["order.submitted", "order.filled"]
    assert _types(client, run_id, "?type=run.bars_missed, order.filled") == ["order.filled", "run.bars_missed"]
    assert _types(client, run_id, "?type=order.canceled") == []  # a type there is, with no event of it yet


def test_the_newest_page_comes_newest_first(pg: Container, client: FlaskClient) -> None:
    run_id = _run_with_events(pg)
    assert _types(client, run_id, "?order=desc&limit=2") == ["run.bars_missed", "position.changed"]
    assert _types(client, run_id, "?order=desc&limit=2&type=order.*") == ["order.filled", "order.submitted"]
    oldest = _types(client, run_id, "?limit=2")  # asc, the default: the log followed from its start
    assert oldest == _types(client, run_id, "")[:2]


def test_an_unknown_type_is_refused_at_its_field_with_the_types_there_are(pg: Container, client: FlaskClient) -> None:
    run_id = _run_with_events(pg)
    for wrong in ("order.fill", "orders.*", "command.start_backtest"):
        answer = client.get(f"/api/v1/runs/{run_id}/events?type=order.filled,{wrong}")
        assert answer.status_code == 422
        message = answer.get_json()["details"]["fields"]["type"]
        assert message.startswith(f"{wrong!r} is no event type; the types are ")
        listed = message.split("the types are ", 1)[1]
        assert "order.filled" in listed and "position.changed" in listed and "command." not in listed
