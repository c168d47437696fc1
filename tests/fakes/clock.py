"""A clock the test moves by hand: no sleeps, and "now" is whatever the scenario needs."""

from __future__ import annotations

from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, now: datetime):
        self.moment = now

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> datetime:
        self.moment += timedelta(seconds=seconds)
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment
