"""Bar timeframes (`1Min`, `5Min`, `1Hour`, `1Day`, `1Week`): the one place their text is parsed.

Every layer reads a timeframe here: Greta and the CLI, the live clock, Veda, the services and the local
exchange. Alpaca's spellings are all accepted: the long units, the short ones (`15T`, `1H`, `1D`, `1W`),
and months (`1Month`, `3M`) where a caller can cut them (only the exchange can). `{n}Sec` is accepted
too: the local exchange can cut bars shorter than Alpaca's minute. `str(timeframe)` is the canonical text.

Metrics annualise by bar count, so each timeframe knows how many bars a year holds: 252 trading days,
and 390 regular-session minutes a day for intraday bars (an hour bar is 6.5 bars a day, not 24).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

TRADING_DAYS_PER_YEAR = 252
SESSION_MINUTES = 390  # 09:30-16:00 New York

_PATTERN = re.compile(r"^(\d+)(Sec|S|Min|T|Hour|H|Day|D|Week|W|Month|M)$")
_SHORT = {"S": "Sec", "T": "Min", "H": "Hour", "D": "Day", "W": "Week", "M": "Month"}
_LIMITS = {"Sec": range(1, 60), "Min": range(1, 60), "Hour": range(1, 24), "Day": range(1, 2),
           "Week": range(1, 2), "Month": (1, 2, 3, 4, 6, 12)}
_SECONDS = {"Sec": 1, "Min": 60, "Hour": 3600}


class TimeframeError(ValueError):
    """The text is not a timeframe Weaver can backtest or trade on."""


@dataclass(frozen=True, slots=True)
class Timeframe:
    amount: int
    unit: str  # "Sec" | "Min" | "Hour" | "Day" | "Week" | "Month"

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def intraday(self) -> bool:
        return self.unit in _SECONDS

    @property
    def daily(self) -> bool:
        return self.unit == "Day"

    @property
    def seconds(self) -> int | None:
        """Bar length in seconds for intraday timeframes; None for calendar ones (Day, Week, Month)."""
        return self.amount * _SECONDS[self.unit] if self.unit in _SECONDS else None

    @property
    def milliseconds(self) -> int | None:
        seconds = self.seconds
        return None if seconds is None else seconds * 1000

    @property
    def minutes(self) -> float | None:
        seconds = self.seconds
        return None if seconds is None else seconds / 60

    @property
    def delta(self) -> timedelta:
        """Nominal bar length (a daily bar spans a calendar day whatever the session length; a month, 30 days)."""
        if self.unit == "Month":
            return timedelta(days=30 * self.amount)
        if self.unit == "Week":
            return timedelta(weeks=self.amount)
        if self.unit == "Day":
            return timedelta(days=self.amount)
        return timedelta(seconds=self.seconds or 0)

    @property
    def periods_per_year(self) -> float:
        """Bars in a trading year, for annualising volatility, Sharpe and CAGR."""
        if self.unit == "Month":
            return 12 / self.amount
        if self.unit == "Week":
            return 52.0
        if self.unit == "Day":
            return float(TRADING_DAYS_PER_YEAR)
        return TRADING_DAYS_PER_YEAR * SESSION_MINUTES * 60 / (self.seconds or 1)


def parse_timeframe(text: str | Timeframe | None, *, months: bool = False) -> Timeframe:
    """`"15Min"` (or `"15T"`) → Timeframe(15, "Min"); raises TimeframeError naming the accepted forms.
    Month bars are refused unless `months` (Greta and the live clock have no calendar-month bars)."""
    if isinstance(text, Timeframe):
        frame: Timeframe | None = text
    else:
        match = _PATTERN.match(text.strip()) if isinstance(text, str) else None
        frame = None if match is None else Timeframe(int(match.group(1)), _SHORT.get(match.group(2), match.group(2)))
    if frame is None or frame.amount not in _LIMITS.get(frame.unit, ()) or (frame.unit == "Month" and not months):
        raise TimeframeError(f"invalid timeframe {text!r}: use [1-59]Sec, [1-59]Min, [1-23]Hour, 1Day or 1Week"
                             + (" or 1, 2, 3, 4, 6 or 12Month" if months else ""))
    return frame


def format_timeframe(timeframe: Timeframe) -> str:
    return str(timeframe)


def infer_timeframe(step_seconds: float) -> Timeframe:
    """The timeframe whose bar length is closest to the typical gap between bars (for CSV files)."""
    if step_seconds >= 6 * 86_400:
        return Timeframe(1, "Week")
    if step_seconds >= 20 * 3_600:  # a daily file's typical gap is one day (weekends are the exception)
        return Timeframe(1, "Day")
    if step_seconds < 59:
        return Timeframe(max(1, round(step_seconds)), "Sec")
    minutes = max(1, round(step_seconds / 60))
    if minutes >= 60 and minutes % 60 == 0 and minutes // 60 < 24:
        return Timeframe(minutes // 60, "Hour")
    return Timeframe(min(minutes, 59), "Min")
