"""GET /accounts names the broker each configured account trades on, so the paper form does not call
the standalone's local exchange "the Alpaca paper account"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from app.walle.models import Fill, Order
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.foundation.factories import make_run


@pytest.fixture
def client_with(pg: Container, pg_url: str, request: pytest.FixtureRequest) -> Iterator[FlaskClient]:
    # its own container (for the account settings); `pg` empties the database (the refresh commands) after
    container = bootstrap(make_settings(pg_url, **request.param))
    app = create_app({"SETTINGS": container.settings, "CONTAINER": container})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        yield client
    finally:
        app.extensions["weaver"].broadcaster.stop()
        container.close()


def paper(url: str) -> dict[str, str]:
    return {"alpaca_paper_key_id": "PKTEST", "alpaca_paper_secret_key": "secret-for-tests",
            "alpaca_paper_base_url": url, "alpaca_paper_data_url": url}


def brokers(client: FlaskClient) -> dict[str, object]:
    response = client.get("/api/v1/accounts")
    assert response.status_code == 200
    return {view["kind"]: view["broker"] for view in response.get_json()}


@pytest.mark.parametrize("client_with", [paper("http://127.0.0.1:8765")], indirect=True)
def test_a_paper_account_on_a_local_exchange_is_not_called_alpaca(client_with: FlaskClient) -> None:
    assert brokers(client_with) == {"paper": "other", "live": None}


@pytest.mark.parametrize("client_with", [paper("https://paper-api.alpaca.markets")], indirect=True)
def test_a_paper_account_on_alpaca_is_named_alpaca(client_with: FlaskClient) -> None:
    assert brokers(client_with) == {"paper": "alpaca", "live": None}


@pytest.mark.parametrize("client_with", [paper("http://127.0.0.1:8765")], indirect=True)
def test_each_account_says_the_cash_its_active_runs_have_left_to_spend(client_with: FlaskClient, pg: Container) -> None:
    """The New run form weighs a paper run's cash against the buying power the runs already trading share."""
    stamp = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    with pg.uow() as uow:
        spent = uow.runs.add(make_run(mode="paper", cash=Decimal("50000"), status="running"))
        uow.runs.add(make_run(mode="paper", cash=Decimal("25000.50"), status="running"))
        uow.runs.add(make_run(mode="paper", cash=Decimal("99999"), status="stopped"))
        uow.runs.add(make_run(mode="live", cash=Decimal("1000"), status="running"))
        uow.session.flush()
        order = Order(run_id=spent.id, client_order_id="c-1", symbol="AAPL", side="buy", type="market",
                      time_in_force="day", qty=Decimal(10), status="filled", submitted_at=stamp)
        uow.session.add(order)
        uow.session.flush()
        uow.session.add(Fill(run_id=spent.id, order_id=order.id, symbol="AAPL", side="buy", qty=Decimal(10),
                             price=Decimal("190.125"), fee=Decimal("0.01"), ts=stamp))
        uow.commit()
    views = {view["kind"]: view["runs_cash"] for view in client_with.get("/api/v1/accounts").get_json()}
    # 50,000 - 1,901.25 (10 × 190.125, settled to the cent) - 0.01 fee + 25,000.50; the stopped run counts no more
    assert views == {"paper": {"runs": 2, "cash": "73099.2400"}, "live": {"runs": 1, "cash": "1000.0000"}}
