"""A moment in a drift note's text: ISO 8601 UTC with `Z` (2026-12-07T13:34:06Z), which the UI shows in the
user's zone like every other time on the page (trial 30 read "13:34:06 UTC" beside rows in New York time)
and the command line prints as it is."""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else f"{text}Z"
