"""`weaver runs show` gives a paper or live run's period as when it traded (trial 35: "Period: –")."""

from __future__ import annotations

from datetime import UTC, datetime

from app.cli.run_report import settings_lines
from tests.integration.foundation.factories import make_run

STARTED = datetime(2026, 12, 7, 17, 50, tzinfo=UTC)
STOPPED = datetime(2026, 12, 7, 18, 20, tzinfo=UTC)


def period(**spec: object) -> str:
    return dict(settings_lines(make_run(**spec)))["Period"]


def test_a_paper_run_says_since_when_it_trades_and_until_when_once_stopped():
    since = f"{STARTED.astimezone():%Y-%m-%d %H:%M %Z}"
    assert period(mode="paper", status="running", started_at=STARTED) == f"since {since}"
    assert period(mode="paper", status="stopped", started_at=STARTED, finished_at=STOPPED) == (
        f"{since} → {STOPPED.astimezone():%Y-%m-%d %H:%M %Z}")
    assert period(mode="paper", status="created") == "not started"


def test_a_backtest_keeps_its_window():
    assert period(mode="backtest", start_at=datetime(2024, 1, 2, tzinfo=UTC),
                  end_at=datetime(2024, 6, 28, tzinfo=UTC)) == "2024-01-02 → 2024-06-28"
