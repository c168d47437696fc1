"""`next_page_token` of the paged data routes: where the next page resumes (a symbol and a position in its
series — a bar's start, or a print's id), opaque to clients as Alpaca's are."""

from __future__ import annotations

import base64
import binascii

from app.exchange.errors import bad_request


def encode_token(symbol: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{symbol}|{position}".encode()).decode()


def decode_token(token: str) -> tuple[str, int]:
    try:
        symbol, _, position = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        return symbol, int(position)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_request("invalid page_token") from exc
