"""GET /accounts names the broker each configured account trades on, so the paper form does not call
the standalone's local exchange "the Alpaca paper account"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container, bootstrap
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN, make_settings


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
