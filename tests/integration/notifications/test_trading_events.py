"""The owner hears of the kill switch and of fills on a local webhook, through the real path: the API,
the outbox, the live worker against the local exchange, the channel's follower."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.config import Settings
from app.events.commands import decode
from app.events.relay import CommandRelay
from app.glados.app import create_app
from app.notifications.service import NotificationService
from tests.conftest import TEST_TOKEN
from tests.integration.live.conftest import last_closed_bar, running_run
from tests.integration.notifications.inbox import Inbox, delivery_results
from workers.runtime import Runtime


@pytest.fixture
def client(pg: Container, settings: Settings) -> Iterator[FlaskClient]:
    app = create_app({"SETTINGS": settings, "CONTAINER": pg})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield client
    app.extensions["weaver"].broadcaster.stop()


def test_the_kill_switch_pressed_in_the_api_reaches_the_webhook(
    pg: Container, client: FlaskClient, live_runtime: Runtime, inbox: Inbox,
    notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, strategy="tests.fixtures.strategies:RestingLimit", params={})
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())  # one resting order

    response = client.post("/api/v1/kill")
    assert response.status_code == 202 and response.get_json()["runs_stopping"] == 1
    # The relay hands the kill command to the live worker's handlers, which cancel and record kill.activated.
    relay = CommandRelay(pg.session_factory, lambda c: live_runtime.commands.handle(decode(c.type, c.payload), c.id))
    assert relay.poll() >= 1

    (message,) = inbox.wait_for("owner")
    assert message["title"] == "Weaver: kill switch activated"
    assert message["message"] == "1 run(s) stopped, 1 open order(s) cancelled. No position is open."
    assert message["type"] == "warning"
    (result,) = delivery_results(pg, 1)
    assert (result["status"], result["subject"], result["attempts"]) == ("delivered", "kill.activated", 1)


def test_a_paper_fill_is_told_with_side_quantity_and_price(
    pg: Container, live_runtime: Runtime, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 2}, name="buyer")
    assert live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat()) == "done: 1 order(s)"

    (message,) = inbox.wait_for("owner")
    assert message["title"].startswith("Weaver: filled BUY 2 AAPL @ ")
    assert float(message["title"].rsplit("@ ", 1)[1]) > 0
    assert message["message"] == f"paper run buyer ({run_id[:8]}): order filled."
    assert message["type"] == "success"


def test_a_rejected_live_order_is_told_with_the_brokers_reason(
    pg: Container, live_runtime: Runtime, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    notifying(inbox.url("owner"))
    run_id = running_run(pg, mode="live", strategy="tests.fixtures.strategies:BuyEveryBar", params={"size": 1000},
                         symbols=["MSFT"])
    live_runtime.live.handle("tick", run_id, bar_ts=last_closed_bar().isoformat())

    (message,) = inbox.wait_for("owner")
    assert message["title"] == "Weaver: order rejected, BUY 1000 MSFT"
    assert "insufficient buying power" in message["message"] and message["message"].startswith("live run")
