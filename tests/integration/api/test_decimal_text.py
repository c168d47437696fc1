"""Money, prices and quantities reach the user in positional notation: a zero fee, a closed position and a
sub-micro quantity read as `0.0000`, `0.000000000` and `0.000000120`, never `0E-9` or `1.20E-7` (which
`str(Decimal)` writes), in responses, in event payloads and in the backtest's JSON file."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from flask.testing import FlaskClient

from app.bootstrap import Container
from app.decimal_text import decimal_text
from app.glados.openapi import build_document
from app.walle.models import Fill, Order, Position
from tests.integration.foundation.factories import make_run

T0 = datetime(2026, 12, 3, 15, 0, 0, tzinfo=UTC)


def _run_with_tiny_numbers(pg: Container) -> str:
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="running", timeframe="1Min", start_at=T0, end_at=None,
                                    cash=Decimal("0")))
        uow.session.flush()
        order = Order(run_id=run.id, client_order_id=f"{run.id}-0", symbol="BTC/USD", side="buy", type="limit",
                      time_in_force="gtc", qty=Decimal("1.2E-7"), limit_price=Decimal("1E-12"),
                      filled_qty=Decimal("1.2E-7"), status="filled", submitted_at=T0)
        uow.session.add(order)
        uow.session.flush()
        uow.session.add(Fill(run_id=run.id, order_id=order.id, symbol="BTC/USD", side="buy", qty=Decimal("1.2E-7"),
                             price=Decimal("0.000000012345"), fee=Decimal(0), ts=T0))
        uow.session.add(Position(run_id=run.id, symbol="BTC/USD", qty=Decimal("-0E-9"), avg_price=Decimal(0),
                                 realized_pl=Decimal("0E-4")))
        uow.outbox.emit("position.changed", {"run_id": run.id, "symbol": "BTC/USD", "qty": str(Decimal("0E-9"))},
                        run_id=run.id)
        uow.commit()
        return run.id


def test_tiny_and_zero_decimals_are_written_without_an_exponent(pg: Container, client: FlaskClient) -> None:
    run_id = _run_with_tiny_numbers(pg)

    run = client.get(f"/api/v1/runs/{run_id}").get_json()
    listed = client.get("/api/v1/runs").get_json()["items"]
    fill = client.get(f"/api/v1/runs/{run_id}/fills").get_json()["items"][0]
    order = client.get(f"/api/v1/runs/{run_id}/orders").get_json()["items"][0]
    position = client.get(f"/api/v1/runs/{run_id}/positions").get_json()
    events = client.get(f"/api/v1/runs/{run_id}/events").get_json()

    assert run["cash"] == "0.0000" and [r["cash"] for r in listed if r["id"] == run_id] == ["0.0000"]
    assert (fill["qty"], fill["price"], fill["fee"]) == ("0.000000120", "0.000000012345", "0.0000")
    assert (order["qty"], order["filled_qty"], order["limit_price"]) == ("0.000000120", "0.000000120",
                                                                         "0.000000000001")
    items = position["items"] if isinstance(position, dict) else position
    assert (items[0]["qty"], items[0]["realized_pl"]) == ("0.000000000", "0.0000")  # not "-0E-9", "0E-4"
    assert [e["payload"]["qty"] for e in events if e["type"] == "position.changed"] == ["0.000000000"]
    assert "E-" not in json.dumps([run, fill, order, position, events])


def test_the_openapi_document_still_says_a_decimal_is_a_string() -> None:
    schemas = build_document()["components"]["schemas"]

    assert schemas["FillOut"]["properties"]["qty"] == {"title": "Qty", "type": "string"}
    assert schemas["OrderOut"]["properties"]["limit_price"]["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_decimal_text_keeps_every_digit_and_no_exponent() -> None:
    assert [decimal_text(Decimal(t)) for t in ("0E-9", "1.2E-7", "-0E-4", "1E+2", "-12.3400", "100000.00")] == [
        "0.000000000", "0.00000012", "0.0000", "100", "-12.3400", "100000.00"]


def test_a_backtest_results_json_file_has_no_exponents() -> None:
    from app.greta.serialize import _default, plain

    assert plain({"fee": Decimal("0E-9"), "qty": [Decimal("1.2E-7")]}) == {"fee": "0.000000000", "qty": ["0.00000012"]}
    assert _default(Decimal("1.2E-7")) == "0.00000012"
