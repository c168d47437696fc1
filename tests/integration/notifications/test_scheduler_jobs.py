"""The scheduler process's notification jobs as `weaver scheduler` and standalone start them."""

from __future__ import annotations

from datetime import UTC, datetime

from app.bootstrap import Container, build_services
from app.clock.realtime import NEW_YORK
from scheduler.notifications import NotificationJobs
from tests.conftest import make_settings
from tests.integration.live.conftest import running_run
from tests.integration.notifications.inbox import Inbox


def test_the_jobs_follow_the_channels_and_a_days_summary_is_told_once(pg: Container, inbox: Inbox) -> None:
    settings = make_settings(pg.settings.database_url, broker="memory", notify_urls=inbox.url("owner"))
    services = build_services(settings, container=pg)
    run_id = running_run(pg, name="daily")
    jobs = NotificationJobs(services, watch_workers=False)
    jobs.start()
    try:
        jobs.summarise()  # after 16:15 New York the start's catch-up has recorded it already
        assert jobs.summarise() == 0
        with pg.uow() as uow:
            uow.outbox.emit("kill.activated", {"runs": 1, "orders": 0})
            uow.commit()
        summary, kill = inbox.wait_for("owner", 2)
    finally:
        jobs.stop()
        services.close()
    today = datetime.now(UTC).astimezone(NEW_YORK).date().isoformat()
    assert summary["title"] == f"Weaver: {today} summary of paper run daily ({run_id[:8]})"
    assert summary["message"] == "Equity 100,000.00, day P&L +0.00, 0 fill(s) today."
    assert kill["title"] == "Weaver: kill switch activated"
    assert len(inbox.messages("owner")) == 2


def test_with_no_channel_nothing_is_started(pg: Container) -> None:
    services = build_services(make_settings(pg.settings.database_url, broker="memory"), container=pg)
    jobs = NotificationJobs(services)
    jobs.start()
    try:
        assert not jobs.scheduler.running and services.notifications.followers == []
    finally:
        jobs.stop()
        services.close()
