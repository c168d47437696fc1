"""A stock's latest trade, one answer for `/v2/stocks/trades/latest`, `/v2/stocks/{symbol}/trades/latest`
and the snapshots' `latestTrade`: the price orders fill at and positions are marked at now (extended
hours included; overnight, the end of the last extended hours; after a replay's last stored bar, that
bar's end), stamped and numbered by the moment that price was first reached, so asking again before it
moves answers the same trade."""

from __future__ import annotations

from app.exchange.datahours import last_print_ms
from app.exchange.hours import MarketHours
from app.exchange.market import Market
from app.exchange.timefmt import iso


def latest_trade(market: Market, hours: MarketHours, symbol: str, now_ms: int) -> dict[str, object]:
    at = market.last_trade_ms(symbol, last_print_ms(hours, now_ms))
    since = market.price_since(symbol, at)
    return {"t": iso(since), "x": "V", "p": market.price_at(symbol, at), "s": 100, "c": ["@"], "i": since,
            "z": "C"}
