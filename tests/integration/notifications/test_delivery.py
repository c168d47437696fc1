"""Delivery on real channels (a local webhook): retries with backoff, failures recorded while the
other channels still receive, a restart that tells each event once, the API's test message."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient

from app.bootstrap import Container
from app.glados.app import create_app
from app.notifications.service import NotificationService
from tests.conftest import TEST_TOKEN, make_settings
from tests.integration.notifications.inbox import Inbox, delivery_results


def kill_event(pg: Container, runs: int = 2, orders: int = 3) -> None:
    with pg.uow() as uow:
        uow.outbox.emit("kill.activated", {"runs": runs, "orders": orders})
        uow.commit()


def test_a_failing_channel_is_retried_with_backoff_and_reported_while_the_other_receives(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService], caplog: pytest.LogCaptureFixture,
) -> None:
    inbox.fail("broken")  # every attempt answers 500
    inbox.fail("flaky", times=2)  # the third attempt goes through
    notifying(inbox.url("broken"), inbox.url("working"), inbox.url("flaky"))
    with caplog.at_level(logging.WARNING, logger="app.notifications.follower"):
        kill_event(pg)
        assert [m["title"] for m in inbox.wait_for("working")] == ["Weaver: kill switch activated"]
        results = delivery_results(pg, 3)
    by_outcome = sorted((r["status"], r["attempts"]) for r in results)
    assert by_outcome == [("delivered", 1), ("delivered", 3), ("failed", 3)]
    assert inbox.hits["/broken"] == 3 and inbox.hits["/flaky"] == 3
    assert len(inbox.messages("flaky")) == 1 and inbox.messages("broken") == []
    (failed,) = [r for r in results if r["status"] == "failed"]
    assert "500" in failed["detail"] or "error" in failed["detail"].lower()
    assert any("given up after 3 attempts" in r.getMessage() for r in caplog.records)


def test_a_restarted_notifier_tells_what_happened_while_it_was_down_and_nothing_twice(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    first = notifying(inbox.url("owner"))
    kill_event(pg, runs=1)
    inbox.wait_for("owner")
    delivery_results(pg, 1)
    first.stop()
    kill_event(pg, runs=2)  # while no notifier runs
    notifying(inbox.url("owner"))
    told = inbox.wait_for("owner", 2)
    kill_event(pg, runs=3)
    told = inbox.wait_for("owner", 3)
    assert [m["message"].split()[0] for m in told] == ["1", "2", "3"]


def test_a_new_channel_starts_at_the_end_of_the_outbox(
    pg: Container, inbox: Inbox, notifying: Callable[..., NotificationService],
) -> None:
    kill_event(pg, runs=9)  # before the channel existed
    notifying(inbox.url("owner"))
    kill_event(pg, runs=1)
    assert [m["message"].split()[0] for m in inbox.wait_for("owner")] == ["1"]


@pytest.fixture
def api(pg: Container, inbox: Inbox) -> Iterator[FlaskClient]:
    inbox.fail("broken")
    private = f"json://owner:p4ssw0rd@127.0.0.1:{inbox.port}/private"
    urls = f"{inbox.url('working')}?token=s3cret-token, {inbox.url('broken')} {private}"
    app = create_app({"SETTINGS": make_settings(pg.settings.database_url, notify_urls=urls), "CONTAINER": pg})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield client
    app.extensions["weaver"].broadcaster.stop()


def test_the_test_endpoint_answers_per_channel_and_the_list_shows_the_results_masked(
    api: FlaskClient, inbox: Inbox,
) -> None:
    response = api.post("/api/v1/notifications/test")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["service"], r["delivered"]) for r in results] == [("JSON", True), ("JSON", False), ("JSON", True)]
    assert results[1]["detail"]
    for path in ("working", "private"):
        assert [m["title"] for m in inbox.messages(path)] == ["Weaver: test notification"]

    listing = api.get("/api/v1/notifications")
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    assert "s3cret-token" not in body and "p4ssw0rd" not in body
    channels = listing.get_json()["channels"]
    assert [c["url"] for c in channels] == [inbox.url("working"), inbox.url("broken"),
                                            f"json://owner:****@127.0.0.1:{inbox.port}/private"]
    assert [(c["last"]["status"], c["last"]["subject"]) for c in channels] == [
        ("delivered", "test"), ("failed", "test"), ("delivered", "test")]
    assert "order.filled" in listing.get_json()["events"]


def test_with_no_channel_the_test_endpoint_reaches_nobody(pg: Container) -> None:
    app = create_app({"SETTINGS": pg.settings, "CONTAINER": pg})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    try:
        assert client.post("/api/v1/notifications/test").get_json() == {"results": []}
        assert client.get("/api/v1/notifications").get_json()["channels"] == []
    finally:
        app.extensions["weaver"].broadcaster.stop()
