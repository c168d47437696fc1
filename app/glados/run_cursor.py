"""The `cursor` of the runs list: an opaque token naming where the previous page ended and in which
order, so the next page seeks there instead of counting past every earlier run. It also says whether
that page counted past the cap (more than 1,000 runs matched): the pages that follow it then say so
without counting again (counting 1,001 runs cost a sixth of a page)."""

from __future__ import annotations

import base64
import binascii
import math
import uuid
from datetime import datetime
from typing import Any

import orjson

from app.glados.errors import ApiError
from app.walle.repositories.run_pages import RunPosition
from app.walle.repositories.runs import RUN_COLUMNS

PAST_CAP = 1  # a cursor's last part when its page counted more runs than the cap


def encode(sort: str, order: str, position: RunPosition, past_cap: bool = False) -> str:
    key = position.key.isoformat() if isinstance(position.key, datetime) else position.key
    parts = [sort, order, key, position.created_at.isoformat(), position.id]
    raw = orjson.dumps([*parts, PAST_CAP] if past_cap else parts)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str, sort: str, order: str) -> tuple[RunPosition, bool]:
    """The position in `token` and whether its page counted past the cap; a 422 if it is not one of ours
    or belongs to another sort or order.

    Each part is checked against what `encode` writes for `sort`, so a hand-edited cursor is a 422, never a
    value the database refuses (a 500)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        token_sort, token_order, key, created_at, run_id, *rest = orjson.loads(raw)
        if rest not in ([], [PAST_CAP]):
            raise ValueError("a cursor ends with its run id, or the past-the-cap mark")
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise _invalid("cursor", NOT_OURS) from None
    if (token_sort, token_order) != (sort, order):
        raise _invalid("cursor", f"the cursor continues sort={token_sort}&order={token_order}; ask with those")
    try:
        return RunPosition(_key(sort, key), _datetime(created_at), _uuid(run_id)), bool(rest)
    except (ValueError, TypeError, OverflowError):
        raise _invalid("cursor", NOT_OURS) from None


NOT_OURS = "not a cursor this API returned"


def _key(sort: str, value: Any) -> Any:
    """The sort key as `encode` writes it: a datetime for created_at, a string for the other run columns,
    a finite number or null (the run had no value) for a metric."""
    if sort == "created_at":
        return _datetime(value)
    if sort in RUN_COLUMNS:
        return _text(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("a metric cursor key is a finite number or null")
    return float(value)


def _text(value: Any) -> str:
    if not isinstance(value, str) or "\x00" in value:  # Postgres text holds no NUL
        raise ValueError("a cursor key for a run column is a string")
    return value


def _datetime(value: Any) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError("a cursor's time carries its offset")
    return moment


def _uuid(value: Any) -> str:
    if str(uuid.UUID(_text(value))) != value:
        raise ValueError("a run id is a UUID in its canonical form")
    return value


def _invalid(field: str, why: str) -> ApiError:
    return ApiError(422, "validation_failed", f"invalid query: {field}: {why}", {"fields": {field: why}})
