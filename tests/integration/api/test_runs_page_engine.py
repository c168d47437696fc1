"""The runs list reads through a pool of its own: connections in autocommit that run generic plans, so
a cursor page is one prepared statement without a `plan_cache_mode` statement before it."""

from __future__ import annotations

from app.bootstrap import Container
from app.walle.repositories.run_pages import RunPages, reading
from app.walle.repositories.runs import RunFilter


def test_pages_read_in_autocommit_with_generic_plans_while_other_reads_choose_theirs(pg: Container) -> None:
    assert pg.pages_engine.pool is not pg.read_engine.pool
    with reading(pg.pages_engine) as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "force_generic_plan"
        assert conn.connection.driver_connection.autocommit  # type: ignore[union-attr]
        pages = RunPages(conn)
        assert pages.generic
        assert pages.after(RunFilter(mode="paper"), limit=5).items == []  # a bound filter: one statement
    with reading(pg.read_engine) as conn:
        assert conn.exec_driver_sql("SHOW plan_cache_mode").scalar() == "auto"
        assert not RunPages(conn).generic  # elsewhere a page sets its generic plan itself (pipelined)
