"""Bar timeframes (`5Min`, `1Hour`, `1Day`...) and the buckets they cut time into.

Fixed timeframes are aligned to the Unix epoch (so to UTC minutes and hours, like Alpaca's); calendar
ones to New York midnight: a daily bar is stamped 04:00Z or 05:00Z, as Alpaca stamps them. `{n}Sec`
is an extension for exchanges whose base bar is shorter than a minute (alpaca-py cannot ask for it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.exchange.errors import bad_request
from app.exchange.timefmt import ny_midnight

_PATTERN = re.compile(r"^(\d+)(Sec|S|Min|T|Hour|H|Day|D|Week|W|Month|M)$")
_UNITS = {"S": "Sec", "T": "Min", "H": "Hour", "D": "Day", "W": "Week", "M": "Month"}
_LIMITS = {"Sec": range(1, 60), "Min": range(1, 60), "Hour": range(1, 24), "Day": (1,), "Week": (1,),
           "Month": (1, 2, 3, 4, 6, 12)}
_FIXED_MS = {"Sec": 1_000, "Min": 60_000, "Hour": 3_600_000}


@dataclass(frozen=True)
class Timeframe:
    amount: int
    unit: str

    @property
    def fixed_ms(self) -> int | None:
        return self.amount * _FIXED_MS[self.unit] if self.unit in _FIXED_MS else None

    def calendar_bucket(self, day: date) -> int:
        """Start (ms) of the Day/Week/Month bucket a trading day belongs to."""
        if self.unit == "Day":
            return ny_midnight(day)
        if self.unit == "Week":
            return ny_midnight(date.fromordinal(day.toordinal() - day.weekday()))
        month = (day.year * 12 + day.month - 1) // self.amount * self.amount
        return ny_midnight(date(month // 12, month % 12 + 1, 1))


def parse_timeframe(text: str | None, bar_ms: int) -> Timeframe:
    match = _PATTERN.match(text or "")
    if not match:
        raise bad_request(f"invalid timeframe {text!r}")
    amount, unit = int(match.group(1)), _UNITS.get(match.group(2), match.group(2))
    if amount not in _LIMITS[unit]:
        raise bad_request(f"invalid timeframe {text!r}")
    timeframe = Timeframe(amount, unit)
    fixed = timeframe.fixed_ms
    if fixed is not None and fixed % bar_ms:
        raise bad_request(f"timeframe {text} is not a multiple of the exchange's {bar_ms / 1000:g}s bars")
    return timeframe
