"""The standalone data directory keeps the database as private as the token (issue 14, item 8)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from app.standalone.home import Home


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_database_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    home = Home(tmp_path / "data")
    old = os.umask(0o022)  # the usual umask would make a new file 0644
    try:
        assert home.prepare() is True
        with sqlite3.connect(tmp_path / "data" / "weaver.db") as db:  # SQLite gives its -wal/-shm the same mode
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE t (x)")
            db.execute("INSERT INTO t VALUES (1)")
            created = sorted(p.name for p in (tmp_path / "data").iterdir())
            assert {"weaver.db", "weaver.db-wal", "weaver.db-shm"} <= set(created)
            assert {name: mode(tmp_path / "data" / name) for name in created} == dict.fromkeys(created, 0o600)
        home.api_token()
        assert mode(tmp_path / "data" / "api-token") == 0o600
    finally:
        os.umask(old)
    assert home.prepare() is False  # a second start keeps the database
    with sqlite3.connect(tmp_path / "data" / "weaver.db") as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_database_an_earlier_version_left_world_readable_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "weaver.db"
    database.write_bytes(b"")
    os.chmod(database, 0o644)
    assert Home(tmp_path).prepare() is False
    assert mode(database) == 0o600
