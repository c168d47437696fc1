"""Shared fixtures: a fresh Postgres database per test run, Redis, and wired containers.

Integration tests use the real servers on 127.0.0.1 and fail loudly when they are absent.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis as redis_lib
from sqlalchemy import text

from app.bootstrap import Container, bootstrap
from app.config import Settings, load_settings
from app.marvin import registry
from app.services.bar_cache import shared_bars
from app.walle import migrate, uow
from app.walle.models import Base
from tests import run_order

# The fixture strategies (tests/fixtures) are named by module path through the API and in the workers:
# the test processes, and the Weaver processes they start, configure them as the strategy path.
os.environ.setdefault("WEAVER_STRATEGY_PATHS", "tests.fixtures")
FIXTURE_STRATEGY_PATHS = ("tests.fixtures",)

registry.configure_sources(FIXTURE_STRATEGY_PATHS)  # for tests that resolve a strategy without Services
uow.STRICT = True  # a unit of work opened inside another fails the test, on Postgres as on SQLite

PG_ADMIN_DSN = os.environ.get("WEAVER_TEST_PG_ADMIN", "postgresql://root@127.0.0.1:5432/postgres")


def _redis_database() -> int:
    """Database 0 for a plain run; under pytest-xdist, worker gwN uses database N + 1, so the queues,
    heartbeats and keys of tests running side by side never meet even outside their namespaces."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return 1 + int(worker.removeprefix("gw")) % 15 if worker.startswith("gw") else 0


REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", f"redis://127.0.0.1:6379/{_redis_database()}")
TEST_TOKEN = "test-token-0123456789abcdef"


TIERS = {"integration": pytest.mark.integration, "e2e": pytest.mark.e2e}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks to group tests
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier (its folder), so `-m "not e2e"` and friends select as declared;
    start the slowest first and mark the timing-bound ones (tests/run_order.py)."""
    for item in items:
        parts = Path(str(item.path)).parts
        for folder, mark in TIERS.items():
            if folder in parts:
                item.add_marker(mark)
    run_order.arrange(items)


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "_env_file": None,
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "api_token": TEST_TOKEN,
    }
    values.update(overrides)
    return load_settings(**values)


def create_pg_database(prefix: str = "weaver_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:  # pragma: no cover - the machine is misconfigured
        raise RuntimeError(f"Postgres is required for integration tests ({PG_ADMIN_DSN}): {exc}") from exc
    return name


def drop_pg_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url_for(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database made for this test run, migrated to head, dropped at the end."""
    name = create_pg_database()
    url = pg_url_for(name)
    migrate.upgrade(url)
    yield url
    drop_pg_database(name)


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = redis_lib.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis_lib.ConnectionError as exc:  # pragma: no cover
        raise RuntimeError(f"Redis is required for integration tests ({REDIS_URL}): {exc}") from exc
    finally:
        client.close()
    return REDIS_URL


def truncate_all(container: Container) -> None:
    shared_bars.clear()  # the bars it held are deleted here, which Weaver itself never does
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with container.engine.begin() as conn:
        if container.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def pg(pg_url: str) -> Iterator[Container]:
    """A wired container on the run's Postgres database, emptied after each test."""
    container = bootstrap(make_settings(pg_url))
    try:
        yield container
    finally:
        truncate_all(container)
        container.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'weaver.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def lite(sqlite_url: str) -> Iterator[Container]:
    container = bootstrap(make_settings(sqlite_url, broker="memory"))
    try:
        yield container
    finally:
        container.close()


@pytest.fixture(params=["postgres", "sqlite"])
def any_db(request: pytest.FixtureRequest) -> Container:
    """Run a test on both backends: the embedded default and the real deployment."""
    return request.getfixturevalue("pg" if request.param == "postgres" else "lite")
