"""Crypto's trades and quotes in the shape of Alpaca's `/v1beta3/crypto/us/*` answers.

The tape is the stocks' (app/exchange/trades.py, quotes.py); crypto prints carry no exchange, tape or
conditions, and a trade says which side took (`tks`: B when it printed at or above the print before it,
S below, the tick rule); a quote is bid/ask price and size only.
"""

from __future__ import annotations

TRADE_FIELDS = ("t", "p", "s", "i")
QUOTE_FIELDS = ("t", "bp", "bs", "ap", "as")


def crypto_trades(trades: list[dict]) -> list[dict]:
    result, previous = [], None
    for trade in trades:
        price = trade["p"]
        taker = "B" if previous is None or price >= previous else "S"
        result.append({**{k: trade[k] for k in TRADE_FIELDS}, "tks": taker})
        previous = price
    return result


def crypto_quote(quote: dict) -> dict:
    return {k: quote[k] for k in QUOTE_FIELDS}


def crypto_snapshot(snapshot: dict) -> dict:
    """A stock-shaped snapshot with its latest trade and quote in crypto's shape."""
    body = dict(snapshot)
    body["latestTrade"] = crypto_trades([snapshot["latestTrade"]])[0]
    body["latestQuote"] = crypto_quote(snapshot["latestQuote"])
    return body


def orderbook(quote: dict) -> dict:
    """`/latest/orderbooks`: the top of the book the latest quote describes (one level a side)."""
    return {"t": quote["t"], "b": [{"p": quote["bp"], "s": quote["bs"]}], "a": [{"p": quote["ap"], "s": quote["as"]}]}
