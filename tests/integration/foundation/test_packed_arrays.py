"""int8[] parameters packed by numpy arrive in Postgres exactly as the list psycopg would have sent."""

from __future__ import annotations

import numpy as np
import psycopg

from app.bootstrap import Container
from app.walle.packed_arrays import Int8Array, register_packed_arrays


def _connection(pg: Container) -> psycopg.Connection:
    return psycopg.connect(pg.settings.database_url.replace("postgresql+psycopg://", "postgresql://"))


def test_every_int64_value_and_its_order_arrive_exactly(pg: Container) -> None:
    values = np.array([0, 1, -1, 17_040_000_000_000_000, 2**63 - 1, -(2**63), 123_456_789_0123], dtype=np.int64)
    with _connection(pg) as connection:
        register_packed_arrays(connection)
        packed = connection.execute("SELECT %b::int8[]", [Int8Array(values)]).fetchone()[0]
        plain = connection.execute("SELECT %s::int8[]", [values.tolist()]).fetchone()[0]
    assert packed == plain == values.tolist()


def test_an_empty_array_and_a_list_of_python_ints(pg: Container) -> None:
    with _connection(pg) as connection:
        register_packed_arrays(connection)
        assert connection.execute("SELECT %b::int8[]", [Int8Array([])]).fetchone()[0] == []
        assert connection.execute("SELECT cardinality(%b::int8[]), (%b::int8[])[2]",
                                  [Int8Array([5, 6, 7]), Int8Array([5, 6, 7])]).fetchone() == (3, 6)
