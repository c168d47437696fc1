"""Symbols of one run whose bars cover much less of its span than the others' (trial 36: a file of AAPL for
2019-2020 beside MSFT stored for 2020-2024; MSFT's order of 2019-01-02 filled a year later at its first bar, and
AAPL was marked at its July 2020 close until 2024, with nothing said). Said as the run's warnings."""

from __future__ import annotations

from app.greta.data.spacing import day_text, long_gap_ns
from app.marvin.market import Market


def coverage_warnings(market: Market, first: int = 0) -> tuple[str, ...]:
    """A warning per symbol that starts or ends more than five days (and five bars) inside the run's span,
    from bar `first` on (the bars before it only warmed up)."""
    if len(market.symbols) < 2 or market.aligned or first >= len(market.timeline):
        return ()
    limit = long_gap_ns(market.timeframe)
    start, end = int(market.timeline[first]), int(market.timeline[-1])
    out = []
    for symbol, frame in zip(market.symbols, market.frames, strict=True):
        if not len(frame.ts):
            continue
        begins, ends = int(frame.ts[0]), int(frame.ts[-1])
        if begins - start > limit:
            out.append(f"{symbol} has no bars before {day_text(begins)} (the run starts {day_text(start)}): an order "
                       "for it before then fills at its first bar")
        if end - ends > limit:
            out.append(f"{symbol} has no bars after {day_text(ends)} (the run ends {day_text(end)}): what is held of "
                       "it is marked at that last close from then on")
    return tuple(out)

