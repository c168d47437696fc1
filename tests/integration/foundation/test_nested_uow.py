"""A unit of work opened inside another: an error on SQLite (it would wait for the outer one's write
lock until "database is locked"), a logged warning on Postgres, an error everywhere in the tests."""

from __future__ import annotations

import logging

import pytest

from app.bootstrap import Container
from app.walle import uow as uow_module
from app.walle.uow import NestedUnitOfWork


def test_nesting_on_sqlite_fails_at_once_instead_of_deadlocking(lite: Container, monkeypatch) -> None:
    monkeypatch.setattr(uow_module, "STRICT", False)  # as in production
    with lite.uow(), pytest.raises(NestedUnitOfWork), lite.uow():
        pass
    with lite.uow():  # the failed attempt left nothing behind
        pass


def test_nesting_on_postgres_is_logged_in_production(pg: Container, monkeypatch, caplog) -> None:
    monkeypatch.setattr(uow_module, "STRICT", False)
    with caplog.at_level(logging.WARNING, logger="app.walle.uow"), pg.uow(), pg.uow() as inner:
        assert inner.session is not None
    assert any("nested unit of work" in r.getMessage() for r in caplog.records)
    with pg.uow():  # depth back to zero
        pass


def test_the_suite_treats_nesting_as_an_error_everywhere(pg: Container) -> None:
    assert uow_module.STRICT
    with pg.uow(), pytest.raises(NestedUnitOfWork), pg.uow():
        pass
