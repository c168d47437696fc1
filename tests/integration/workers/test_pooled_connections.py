"""The workers' pooled Postgres connections: pinged only after an idle spell, replaced when dead."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from app.walle import db
from app.walle.db import make_engine


def backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


def terminate(pg_url: str, pid: int) -> None:
    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_killed_while_idle_is_replaced_before_use(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every checkout counts as after an idle spell
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        first = backend_pid(engine)
        terminate(pg_url, first)
        second = backend_pid(engine)  # no error: the ping found it dead and the pool reconnected
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_back_in_use_at_once_is_not_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    try:
        first = backend_pid(engine)
        assert len(pings) == 1  # a new connection is pinged once
        assert [backend_pid(engine) for _ in range(3)] == [first] * 3
        assert len(pings) == 1  # the same connection, reused within the idle spell: no round trip
    finally:
        engine.dispose()
