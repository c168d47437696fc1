"""The clock and the calendar in Alpaca's JSON: `/v2/clock` and `/v2/calendar` (alpaca-py, JS SDK 3.x) and
`/v3/clock` and `/v3/calendar/{market}` (JS SDK 4.x), all read from the same `MarketHours`.

Neither v3 route is in the OpenAPI documents of `../shared/reference/alpaca-openapi/`; their shapes follow
the 4.x SDK's models (`ClockResp`, `Clock`, `PublicMarket`, `PublicCalendarResp`, `CalendarDay`).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta

from app.exchange.errors import invalid
from app.exchange.hours import DEMO_MARKET, MarketHours, Session
from app.exchange.timefmt import NEW_YORK, iso_new_york, ny_date, parse_time, to_datetime

MAX_CALENDAR_DAYS = 366 * 60
V3_DEFAULT_DAYS = 7  # Alpaca: "end ... Default: one week from the start date"
# The US equity markets the exchange stands in for (acronym: MIC, name); their MICs are accepted too.
MARKETS = {"NYSE": ("XNYS", "New York Stock Exchange"), "NASDAQ": ("XNAS", "Nasdaq")}
ALIASES = {mic: acronym for acronym, (mic, _) in MARKETS.items()}


def hours_header(hours: MarketHours) -> str:
    """`X-Weaver-Market`, on every clock and calendar answer: which market these hours describe."""
    if hours.mode == "always":
        return f"{DEMO_MARKET} (--hours always): every day 00:00-24:00 New York, not NYSE sessions"
    return "NYSE sessions and holidays (--hours nyse)"


# -- v2 ----------------------------------------------------------------------------------------------
def clock_json(hours: MarketHours, now_ms: int) -> dict[str, object]:
    reading = hours.clock(now_ms)
    return {
        "timestamp": iso_new_york(now_ms),
        "is_open": reading.is_open,
        "next_open": iso_new_york(reading.next_open_ms),
        "next_close": iso_new_york(reading.next_close_ms),
    }


def calendar_json(hours: MarketHours, args: dict[str, str], now_ms: int) -> list[dict[str, object]]:
    """Trading days between start and end (default: the previous year to the end of the next). A 24/7
    demo day is written 00:00-23:59: alpaca-py parses `close` as %H:%M, which cannot say 24:00."""
    today = ny_date(now_ms)
    try:
        first = ny_date(parse_time(args["start"])) if args.get("start") else date(today.year - 1, 1, 1)
        last = ny_date(parse_time(args["end"])) if args.get("end") else date(today.year + 1, 12, 31)
    except ValueError as exc:
        raise invalid("start and end must be dates") from exc
    _check_span(first, last)
    return [
        {
            "date": s.day.isoformat(),
            "open": s.open_hm,
            "close": s.close_hm,
            "session_open": s.ext_open_hm,
            "session_close": s.ext_close_hm,
            "settlement_date": hours.settlement_date(s).isoformat(),
        }
        for s in hours.sessions(first, last)
    ]


# -- v3 ----------------------------------------------------------------------------------------------
def market_of(name: str) -> str:
    """The acronym of a requested market (acronym or MIC, any case); others are not simulated: 422."""
    upper = name.strip().upper()
    acronym = ALIASES.get(upper, upper)
    if acronym not in MARKETS:
        raise invalid(f"unsupported market {name!r}: the exchange simulates {', '.join(MARKETS)}")
    return acronym


def market_json(hours: MarketHours, acronym: str) -> dict[str, object]:
    mic, name = MARKETS[acronym]
    if hours.mode == "always":
        name = f"Weaver {DEMO_MARKET} standing in for {acronym} (not {acronym} hours)"
    return {"acronym": acronym, "mic": mic, "name": name, "timezone": "America/New_York"}


def v3_clock_json(hours: MarketHours, args: dict[str, str], now_ms: int) -> dict[str, object]:
    """`GET /v3/clock?markets=NYSE,NASDAQ&time=...`: one clock per market, at `time` (default now)."""
    try:
        at = parse_time(args["time"]) if args.get("time") else now_ms
    except ValueError as exc:
        raise invalid("time must be an RFC 3339 timestamp") from exc
    names = [n for n in (args.get("markets") or "NYSE").split(",") if n.strip()]
    reading = hours.clock(at)
    phase, until = _phase(hours, at)
    clocks = [
        {
            "market": market_json(hours, acronym),
            "timestamp": iso_new_york(at),
            "is_market_day": hours.session(ny_date(at)) is not None,
            "next_market_open": iso_new_york(reading.next_open_ms),
            "next_market_close": iso_new_york(reading.next_close_ms),
            "phase": phase,
            "phase_until": iso_new_york(until),
        }
        for acronym in dict.fromkeys(market_of(n) for n in names)
    ]
    return {"clocks": clocks}


def v3_calendar_json(hours: MarketHours, market: str, args: dict[str, str], now_ms: int) -> dict[str, object]:
    """`GET /v3/calendar/{market}?start=&end=&timezone=UTC`: each day's phases as timestamps in the
    market's time zone (or UTC), from start (default today) to end (default a week later)."""
    acronym = market_of(market)
    timezone = (args.get("timezone") or "").upper()
    if timezone not in ("", "UTC"):
        raise invalid("timezone must be UTC (or absent: the market's own)")
    try:
        first = date.fromisoformat(args["start"][:10]) if args.get("start") else ny_date(now_ms)
        last = date.fromisoformat(args["end"][:10]) if args.get("end") else first + timedelta(days=V3_DEFAULT_DAYS)
    except ValueError as exc:
        raise invalid("start and end must be dates (YYYY-MM-DD)") from exc
    _check_span(first, last)
    days = [_v3_day(hours, s, timezone == "UTC") for s in hours.sessions(first, last)]
    return {"market": market_json(hours, acronym), "calendar": days}


def _v3_day(hours: MarketHours, session: Session, utc: bool) -> dict[str, object]:
    def stamp(ms: int) -> str:
        moment = to_datetime(ms, UTC if utc else NEW_YORK)
        text = moment.isoformat(timespec="milliseconds" if ms % 1000 else "seconds")
        return text.replace("+00:00", "Z")

    day: dict[str, object] = {"date": session.day.isoformat()}
    if session.ext_open_ms < session.open_ms:  # NYSE: 04:00-09:30 pre-market, close-20:00 post-market
        day.update(pre_start=stamp(session.ext_open_ms), pre_end=stamp(session.open_ms))
    day.update(core_start=stamp(session.open_ms), core_end=stamp(hours.reported_close(session)))
    if session.ext_close_ms > session.close_ms:
        day.update(post_start=stamp(session.close_ms), post_end=stamp(session.ext_close_ms))
    day["settlement_date"] = hours.settlement_date(session).isoformat()
    return day


def _phase(hours: MarketHours, ms: int) -> tuple[str, int]:
    """The market's phase at `ms` (closed, pre, core, post) and when it ends."""
    if hours.mode == "always":
        return "core", hours.clock(ms).next_close_ms
    session = hours.session(ny_date(ms))
    if session is not None:
        for phase, start, end in (("pre", session.ext_open_ms, session.open_ms),
                                  ("core", session.open_ms, session.close_ms),
                                  ("post", session.close_ms, session.ext_close_ms)):
            if start <= ms < end:
                return phase, end
    return "closed", hours.current_or_next(ms).ext_open_ms


def _check_span(first: date, last: date) -> None:
    if (last - first) > timedelta(days=MAX_CALENDAR_DAYS):
        raise invalid("calendar range is limited to 60 years")
