"""`weaver db upgrade` and `weaver db check`: the schema, through Alembic."""

from __future__ import annotations

import sys

import click

from app.cli.common import settings_or_exit
from app.walle import migrate
from app.walle.db import make_engine


@click.group()
def db() -> None:
    """Create, upgrade and check the database schema."""


@db.command()
def upgrade() -> None:
    """Apply every migration not yet applied (safe to run again)."""
    settings = settings_or_exit(require_token=False, embedded_fallback=True, needs_broker=False,
                                creates_database=True)
    migrate.upgrade(settings.database_url)
    click.echo(f"database at revision {migrate.head_revision(settings.database_url)}")


@db.command()
def check() -> None:
    """Exit non-zero unless the database is reachable, at the head revision and matches the models."""
    settings = settings_or_exit(require_token=False, embedded_fallback=True, needs_broker=False)
    engine = make_engine(settings.database_url, sqlite_immediate=False)
    try:
        current = migrate.current_revision(engine)
        head = migrate.head_revision(settings.database_url)
        if current != head:
            click.echo(f"database at revision {current}, code expects {head}: run `weaver db upgrade`", err=True)
            sys.exit(1)
        differences = migrate.schema_differences(engine)
        if differences:
            click.echo("schema differs from the models:", err=True)
            for difference in differences:
                click.echo(f"  {difference}", err=True)
            sys.exit(1)
        click.echo(f"database OK at revision {current}")
    finally:
        engine.dispose()
