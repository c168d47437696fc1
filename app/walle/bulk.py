"""Bulk writes: thousands of rows in one round trip instead of one INSERT each.

Postgres gets `COPY … FROM STDIN` (binary-safe text rows through psycopg 3); SQLite gets one
`executemany`. Values are converted here exactly as the column types would bind them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from app.walle.types import Exact


def bulk_insert(
    session: Session, table: Table, rows: Sequence[Mapping[str, Any]], *, on_conflict_skip: bool = False
) -> int:
    """Insert `rows` into `table` in the session's transaction; return how many were inserted.

    With `on_conflict_skip`, rows whose primary key already exists are left alone (Postgres: COPY
    into a temporary table, then INSERT … ON CONFLICT DO NOTHING).
    """
    if not rows:
        return 0
    columns = [c.name for c in table.columns if c.name in rows[0]]
    if session.get_bind().dialect.name == "postgresql":
        return _copy(session, table, columns, rows, on_conflict_skip)
    statement = insert(table)
    if on_conflict_skip:
        statement = statement.prefix_with("OR IGNORE")
    result = session.execute(statement, [dict(r) for r in rows])
    return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)


def _copy(
    session: Session, table: Table, columns: list[str], rows: Sequence[Mapping[str, Any]], skip: bool
) -> int:
    _check_first_row(table, columns, rows[0])
    target = f"_bulk_{table.name}" if skip else table.name
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    column_list = ", ".join(f'"{c}"' for c in columns)
    if skip:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{target}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP'
        )
    json_columns = [i for i, name in enumerate(columns) if table.columns[name].type.__class__.__name__ == "JSON"]
    with cursor.copy(f'COPY "{target}" ({column_list}) FROM STDIN') as copy:
        for row in rows:
            values = [row[name] for name in columns]
            for i in json_columns:
                values[i] = None if values[i] is None else json.dumps(values[i])
            copy.write_row(values)
    if not skip:
        return len(rows)
    cursor.execute(
        f'INSERT INTO "{table.name}" ({column_list}) SELECT {column_list} FROM "{target}" ON CONFLICT DO NOTHING'
    )
    inserted = cursor.rowcount
    cursor.execute(f'TRUNCATE "{target}"')
    return inserted


def _check_first_row(table: Table, columns: list[str], row: Mapping[str, Any]) -> None:
    """Refuse inexact or naive values. COPY bypasses the column types, and checking every value
    in Python would cost more than the copy itself, so callers pass homogeneous rows."""
    for name in columns:
        value, column_type = row[name], table.columns[name].type
        if isinstance(column_type, Exact) and isinstance(value, float):
            raise TypeError(f"{name}: floats are not exact; pass Decimal, int or str")
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Weaver stores only timezone-aware UTC times")


def chunked(rows: Iterable[Mapping[str, Any]], size: int = 50_000) -> Iterable[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
