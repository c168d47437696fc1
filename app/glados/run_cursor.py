"""The `cursor` of the runs list: an opaque token naming where the previous page ended and in which
order, so the next page seeks there instead of counting past every earlier run."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

import orjson

from app.glados.errors import ApiError
from app.walle.repositories.run_pages import RunPosition


def encode(sort: str, order: str, position: RunPosition) -> str:
    key = position.key.isoformat() if isinstance(position.key, datetime) else position.key
    raw = orjson.dumps([sort, order, key, position.created_at.isoformat(), position.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, sort: str, order: str) -> RunPosition:
    """The position in `token`; a 422 if it is not one of ours or belongs to another sort or order."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, token_order, key, created_at, run_id = orjson.loads(raw)
        position = RunPosition(_key(key), datetime.fromisoformat(created_at), str(run_id))
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise _invalid("cursor", "not a cursor this API returned") from None
    if (token_sort, token_order) != (sort, order):
        raise _invalid("cursor", f"the cursor continues sort={token_sort}&order={token_order}; ask with those")
    if position.created_at.tzinfo is None:
        raise _invalid("cursor", "not a cursor this API returned")
    return position


def _key(value: Any) -> Any:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    raise ValueError("a cursor key is a string, a number or null")


def _invalid(field: str, why: str) -> ApiError:
    return ApiError(422, "validation_failed", f"invalid query: {field}: {why}", {"fields": {field: why}})
