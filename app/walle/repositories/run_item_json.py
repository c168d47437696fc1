"""A runs-list item as JSON text written by Postgres: the page's rows reach Python as one text each,
not two dozen values to parse, convert to UTC and put in a dict, a run at a time.

The text is what orjson writes for the same item (`app/glados/run_page_json.py`, GET /runs/{id}):
keys in `RunOut`'s order, no spaces, strings escaped by `to_json`, datetimes in UTC as pydantic writes
them (`2026-01-05T09:30:00Z`, with `.250000` when there are microseconds), `cash` its NUMERIC text
quoted, the JSON columns as stored, a whole `progress` with its `.0` and a non-finite one null.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

STRINGS = frozenset({"id", "mode", "name", "strategy", "timeframe", "status", "error", "sweep_id"})
DATETIMES = frozenset({"start_at", "end_at", "created_at", "updated_at", "queued_at", "started_at", "finished_at"})
JSON_TEXT = frozenset({"params", "symbols", "fees", "slippage", "options", "metrics"})  # already JSON text
SECONDS = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
MICROSECONDS = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
WHOLE_LIMIT = 1e15  # Postgres writes a float8 from here on with an exponent: no `.0` to add
NON_FINITE = ("NaN", "Infinity", "-Infinity")


def _text(value: str) -> Any:
    return literal(value, Text, literal_execute=True)  # written in: the statement keeps no parameter for it


def _string(column: Any) -> ColumnElement[Any]:
    return func.coalesce(cast(func.to_json(column), Text), _text("null"))


def _datetime(column: Any) -> ColumnElement[Any]:
    utc = func.timezone(_text("UTC"), column)
    shape = case((func.date_trunc(_text("second"), utc) == utc, _text(SECONDS)), else_=_text(MICROSECONDS))
    return func.coalesce(_text('"') + func.to_char(utc, shape) + _text('"'), _text("null"))


def _float(column: Any) -> ColumnElement[Any]:
    return case(
        (column.is_(None), _text("null")),
        (column.in_([literal(v, literal_execute=True) for v in NON_FINITE]), _text("null")),
        ((column == func.trunc(column)) & (func.abs(column) < literal(WHOLE_LIMIT, literal_execute=True)),
         cast(column, Text) + _text(".0")),
        else_=cast(column, Text),
    )


def _value(name: str, column: Any) -> ColumnElement[Any]:
    if name in JSON_TEXT:
        return column  # type: ignore[no-any-return]
    if name in STRINGS:
        return _string(column)
    if name in DATETIMES:
        return _datetime(column)
    if name == "cash":
        return _text('"') + column + _text('"')  # type: ignore[no-any-return]
    if name == "progress":
        return _float(column)
    raise ValueError(f"no JSON form for the runs list's field {name}")


def item_json(columns: dict[str, Any]) -> ColumnElement[Any]:
    """`{"id":…,…,"metrics":…}` from the named columns, in their order (the JSON ones as text)."""
    parts: list[Any] = []
    for index, (name, column) in enumerate(columns.items()):
        parts += [_text(("{" if index == 0 else ",") + f'"{name}":'), _value(name, column)]
    text = parts[0]
    for part in [*parts[1:], _text("}")]:
        text = text + part
    return text  # type: ignore[no-any-return]
