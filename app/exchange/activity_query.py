"""GET /v2/account/activities[/{type}]: Alpaca's filters and paging over an account's activity feed.

Newest first unless `direction=asc`; `page_size` up to 100 (the default); `page_token` is the id of the
last entry of the previous page and the next page starts just past it, in the same direction.
`date` (one New York day) excludes `after`/`until`, which are strict bounds, as Alpaca documents.
`category=trade_activity` means FILL, `non_trade_activity` everything else (here, CFEE crypto fees).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.exchange.activities import ACTIVITY_TYPES, Activity
from app.exchange.errors import invalid
from app.exchange.timefmt import ny_midnight, parse_time

MAX_PAGE_SIZE = 100


def activity_types(text: str | None) -> set[str] | None:
    """The `activity_types` list (or a path's single type), checked against Alpaca's enum."""
    if not text:
        return None
    wanted = {part.strip().upper() for part in text.split(",") if part.strip()}
    unknown = sorted(wanted - ACTIVITY_TYPES)
    if unknown:
        raise invalid(f"invalid activity type: {', '.join(unknown)}")
    return wanted


def select(activities: list[Activity], args: dict[str, str], types: set[str] | None) -> list[Activity]:
    """One page of `activities` (held oldest first) as the query asks for it."""
    category = args.get("category") if args.get("category") in ("trade_activity", "non_trade_activity") else None
    direction = args.get("direction", "desc").lower()
    if direction not in ("asc", "desc"):
        raise invalid("direction must be asc or desc")
    try:
        size = int(args.get("page_size", MAX_PAGE_SIZE))
        first, last = _window(args)
    except ValueError as exc:
        raise invalid("invalid page_size, date, after or until") from exc
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise invalid(f"page_size must be within [1, {MAX_PAGE_SIZE}]")
    chosen = [a for a in activities if (first is None or a.ms > first) and (last is None or a.ms < last)
              and (types is None or a.activity_type in types)
              and (category is None or (a.activity_type == "FILL") == (category == "trade_activity"))]
    if direction == "desc":
        chosen.reverse()
    token = args.get("page_token")
    if token:
        position = next((i for i, a in enumerate(chosen) if a.id == token), None)
        if position is None:
            raise invalid("invalid page_token")
        chosen = chosen[position + 1:]
    return chosen[:size]


def _window(args: dict[str, str]) -> tuple[int | None, int | None]:
    """Exclusive (after, until) bounds in ms; `date` means that whole New York day."""
    if args.get("date"):
        if args.get("after") or args.get("until"):
            raise invalid("date cannot be used with after or until")
        day = date.fromisoformat(args["date"].strip()[:10])  # the calendar day written, as Alpaca reads it
        return ny_midnight(day) - 1, ny_midnight(day + timedelta(days=1))
    after = parse_time(args["after"]) if args.get("after") else None
    until = parse_time(args["until"]) if args.get("until") else None
    return after, until
