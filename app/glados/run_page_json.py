"""The runs list's JSON, written by orjson straight from the page's rows: the body `RunPage` documents,
with each item what `RunOut` (GET /runs/{id}) says of the run, without building a model per run.

On Postgres each item arrives as its JSON text (`runs.list_json`, migration 0015) and is written as
it is (Postgres writes a whole float8 metric without a fraction: `"trades": 58`); elsewhere the items are
dicts and `metric_numbers` writes the metrics alike. Either way `metrics_unavailable` (app/greta/metrics.py)
and `state` are added last, from `app/services/run_state.py` (their rules live in Python only).
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson
from flask import Response

from app.decimal_text import decimal_text
from app.glados.schemas.runs import RunOut, RunPage, RunQuery
from app.greta.metrics import unavailable
from app.services.run_state import run_state
from app.walle.repositories.run_pages import FIELDS, RunRows

OPTIONS = orjson.OPT_UTC_Z  # datetimes as pydantic writes them: 2026-01-05T09:30:00Z

if (*FIELDS, "metrics") != tuple(RunOut.model_fields) or set(RunPage.model_fields) != {
        "items", "total", "total_exact", "page", "per_page", "next_cursor"}:
    raise RuntimeError("the runs list's items must have RunOut's fields and the page RunPage's")


WHOLE_LIMIT = 2.0**53  # beyond it a float's integer part is no longer exact


def metric_numbers(metrics: dict[str, float | None]) -> dict[str, int | float | None]:
    """Metrics with whole values as integers (a trade count is 58, not 58.0), as Postgres writes them."""
    return {name: int(value) if isinstance(value, float) and value.is_integer() and abs(value) < WHOLE_LIMIT else value
            for name, value in metrics.items()}


def _decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)  # exact, positional, as `RunOut` writes a Decimal
    raise TypeError(f"{type(value).__name__} is not JSON")


METRICS_KEY = '"metrics":'


def with_state(item: tuple[str, str, str, str | None]) -> bytes:
    """Postgres's item text with `metrics_unavailable` and `state` appended, as `RunOut` writes them last
    (derived in Python only). The metrics are the text's last field: only they are parsed."""
    text, mode, status, error = item
    metrics_text = text[text.rindex(METRICS_KEY) + len(METRICS_KEY):-1]
    # Only a null metric can be withheld: without one (most runs) the answer is {} without parsing.
    withheld = orjson.dumps(unavailable(orjson.loads(metrics_text))).decode() if "null" in metrics_text else "{}"
    # Encoded item by item: one non-ASCII character would make a joined page's str four times as slow to encode.
    return f'{text[:-1]},"metrics_unavailable":{withheld},"state":{state_json(mode, status, error)}}}'.encode()


@lru_cache(maxsize=1024)
def state_json(mode: str, status: str, error: str | None) -> str:
    """A run state's JSON: a page's runs share a few (mode, status, error), so each is derived once."""
    return orjson.dumps(run_state(mode, status, error)).decode()


def run_page_response(found: RunRows, query: RunQuery, next_cursor: str | None) -> Response:
    rest = {"total": found.total, "total_exact": found.exact, "page": query.page, "per_page": query.per_page,
            "next_cursor": next_cursor}
    if found.json_text:  # the items as they are, joined, then the rest: no orjson pass over the page
        items = b",".join([with_state(item) for item in found.items])
        return Response(b"".join((b'{"items":[', items, b"],", orjson.dumps(rest)[1:])), mimetype="application/json")
    for item in found.items:
        item["metrics"] = metric_numbers(item["metrics"])
        item["metrics_unavailable"] = unavailable(item["metrics"])
        item["state"] = run_state(item["mode"], item["status"], item["error"])
    return Response(orjson.dumps({"items": found.items, **rest}, default=_decimal, option=OPTIONS),
                    mimetype="application/json")
