"""`weaver exchange --market replay`: the options, and what they turn into (the stored bars to play, the
exchange bar they need, 24/7 hours, the symbols' start prices)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import click

from app.exchange.config import SymbolConfig
from app.exchange.replay import StoredBars

NEW_YORK = ZoneInfo("America/New_York")
HISTORY_NOTE = ("every bar stored before it is history; where nothing is stored the bars API has no bars")
OPEN = time(9, 30)


def replay_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--market", type=click.Choice(["synthetic", "replay"]), default="synthetic", show_default=True,
                     help="synthetic: the seeded price process; replay: bars stored in Weaver's database."),
        click.option("--replay-from", type=click.Choice(["stored"]), default="stored", show_default=True,
                     help="replay: where the bars come from (Weaver's database, WEAVER_DATABASE_URL)."),
        click.option("--replay-start", default=None, metavar="DATE[THH:MM]",
                     help="replay: the first bar to play; a date starts at its 09:30 open, times are New York's."),
        click.option("--replay-timeframe", default="1Min", show_default=True,
                     help="replay: the stored bars' timeframe."),
        click.option("--replay-speed", default=1.0, show_default=True, type=click.FloatRange(min=1),
                     help="replay: how much faster than real time (60 over minute bars: a bar a second)."),
        click.option("--database-url", default=None, help="replay: Weaver's database (default: WEAVER_DATABASE_URL)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class Replay:
    bars: dict[str, StoredBars]
    bar_seconds: float
    symbols: tuple[SymbolConfig, ...]
    described: str


StoredLoader = Callable[[str, list[str], str, datetime], dict[str, StoredBars]]
_stored_loader: list[StoredLoader] = []  # Weaver's database adapter, handed in by app/cli/exchange.py


def use_stored_bars(loader: StoredLoader) -> None:
    """The composition root's adapter to Weaver's database (the exchange itself imports none of Weaver's)."""
    _stored_loader[:] = [loader]


def prepare_replay(symbols: tuple[SymbolConfig, ...], start: str | None, timeframe: str, speed: float,
                   database_url: str | None) -> Replay:
    """Load the stored bars of every `--symbols` stock; errors are ValueErrors naming what is missing."""
    if not _stored_loader:
        raise ValueError("--market replay reads Weaver's database: run it as `weaver exchange`")
    url = database_url or os.environ.get("WEAVER_DATABASE_URL")
    if not url:
        raise ValueError("--market replay needs Weaver's database: --database-url or WEAVER_DATABASE_URL")
    if not start:
        raise ValueError("--market replay needs --replay-start (the day or minute to play from)")
    first = parse_start(start)
    bar_seconds = timeframe_seconds(timeframe) / speed
    bars = _stored_loader[0](url, [s.symbol for s in symbols], timeframe, first)
    priced = tuple(SymbolConfig(s.symbol, round(float(bars[s.symbol].o[bars[s.symbol].lead]), 2), exchange=s.exchange)
                   for s in symbols)
    described = (f"replaying stored {timeframe} bars of {', '.join(bars)} from {first:%Y-%m-%d %H:%M %Z}, "
                 f"one every {bar_seconds:g} s, stamped with the exchange's own clock (the bar playing now is "
                 f"the stored {first:%H:%M} bar; {HISTORY_NOTE}: "
                 f"{', '.join(f'{symbol} {stored.lead}' for symbol, stored in bars.items())} bars)")
    return Replay(bars, bar_seconds, priced, described)


def parse_start(text: str) -> datetime:
    """A date (its 09:30 New York open) or a date and time (New York's, unless it names a zone)."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"--replay-start {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from exc
    if len(text) <= 10:
        value = datetime.combine(value.date(), OPEN)
    return value if value.tzinfo else value.replace(tzinfo=NEW_YORK)


def timeframe_seconds(timeframe: str) -> int:
    """Seconds per stored bar for the timeframes a replay can play (`1Sec`… `59Min`, `1Hour`…)."""
    units = {"Sec": 1, "Min": 60, "Hour": 3600}
    for unit, seconds in units.items():
        if timeframe.endswith(unit) and timeframe[: -len(unit)].isdigit():
            return int(timeframe[: -len(unit)]) * seconds
    raise ValueError(f"cannot replay {timeframe} bars: use second, minute or hour bars")
