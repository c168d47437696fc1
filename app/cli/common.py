"""Helpers shared by CLI commands: settings and databases that fail with a readable message, not a traceback.

Commands that only need the database (imports, reports, migrations) fall back to the embedded
default (`./data/weaver.db`, the file `weaver standalone` uses) when WEAVER_DATABASE_URL is set
neither in the environment nor in `.env`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from dotenv import dotenv_values

from app.marvin import registry
from app.standalone.home import exchange_contact, remembered_strategy_paths, standalone_running

if TYPE_CHECKING:  # app.config (pydantic-settings) costs a CSV backtest a fifth of a second it never uses
    from app.config import Settings

DEFAULT_DATA_DIR = Path("data")
ENV_FILE = ".env"  # as app.config.Settings reads it
_database_in_use: list[str] = []  # the URL of the last settings loaded, for database_failure to name


def embedded_database_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'weaver.db').resolve()}"


def settings_or_exit(*, require_token: bool = True, embedded_fallback: bool = False, needs_broker: bool = True,
                     creates_database: bool = False, **overrides: object) -> Settings:
    """Load settings or print which variables are wrong and exit 2. Commands that only touch the
    database (`needs_broker=False`) do not ask for a Redis URL. With the embedded fallback the
    command says which file it uses, and (unless it `creates_database`) refuses a file that holds no
    Weaver database rather than creating an empty one and failing on its missing tables."""
    if not needs_broker:
        overrides["broker"] = "memory"
    if not require_token:
        # Commands that serve no API (migrations, imports) must not demand the API token.
        overrides.setdefault("api_token", os.environ.get("WEAVER_API_TOKEN") or secrets.token_urlsafe(24))
    if embedded_fallback and not configured("WEAVER_DATABASE_URL"):
        data_dir = Path(configured("WEAVER_DATA_DIR") or DEFAULT_DATA_DIR)
        database = data_dir / "weaver.db"
        if not creates_database and not holds_weaver(database):
            fail(f"no Weaver database at {database.resolve()}: start `weaver standalone --data-dir DIR` once (or run "
                 "`weaver db upgrade`), and point WEAVER_DATA_DIR at that DIR or WEAVER_DATABASE_URL at your "
                 "database", code=2)
        say_which_database(database.resolve())
        data_dir.mkdir(parents=True, exist_ok=True)
        overrides.setdefault("database_url", embedded_database_url(data_dir))
        remembered = remembered_strategy_paths(data_dir)  # what `weaver standalone --strategy-path` was given
        if remembered and not configured("WEAVER_STRATEGY_PATHS"):
            overrides.setdefault("strategy_paths", remembered)
        if not configured("WEAVER_ALPACA_PAPER_KEY_ID") and standalone_running(data_dir):
            for name, value in exchange_contact(data_dir).items():  # the running standalone's local exchange
                overrides.setdefault(name, value)
        overrides.setdefault("broker", "memory")
    from app.config import SettingsError, load_settings

    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    _database_in_use[:] = [settings.database_url]
    return settings


def say_which_database(database: Path) -> None:
    """"using FILE" on stderr, with the hint on the same line only if both fit the terminal's width; once
    a command (`weaver backtest` reads its bars from the file and then stores its run in it): the files
    named so far are kept in the command's click context, which every subcommand of one invocation shares."""
    context = click.get_current_context(silent=True)
    said: set[Path] = context.meta.setdefault("weaver.databases_named", set()) if context is not None else set()
    if database in said:
        return
    said.add(database)
    line, hint = f"using {database}", "(set WEAVER_DATA_DIR or WEAVER_DATABASE_URL for another)"
    fits = len(line) + 1 + len(hint) <= shutil.get_terminal_size().columns
    click.echo(f"{line} {hint}" if fits else f"{line}\n  {hint}", err=True)


def holds_weaver(database: Path) -> bool:
    """The SQLite file exists and has been migrated (it has Alembic's version table)."""
    if not database.is_file():
        return False
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
        try:
            return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is not None
        except sqlite3.DatabaseError:  # not a SQLite file at all
            return False


def command_line_strategy(name: str) -> Any:
    """`--strategy`: a built-in, `module:Class` from the configured strategy paths (WEAVER_STRATEGY_PATHS, or
    what `weaver standalone --strategy-path` on the data directory was given), else any module on the path
    (trial 28: `weaver backtest --strategy mine:Mine` ignored the configured folders)."""
    if ":" not in name:
        return registry.get_strategy(name)
    paths = [p.strip() for p in (configured("WEAVER_STRATEGY_PATHS") or "").replace(os.pathsep, ",").split(",")]
    paths += remembered_strategy_paths(Path(configured("WEAVER_DATA_DIR") or DEFAULT_DATA_DIR))
    known = tuple(dict.fromkeys(p for p in (*registry.configured_sources(), *paths) if p))
    if known != registry.configured_sources():
        registry.configure_sources(known)
    module_name = name.partition(":")[0]
    try:
        return registry.get_strategy(name)
    except registry.StrategyLoadError:
        if module_name in {m.partition(":")[0] for m in registry.available_strategies()}:
            raise  # found in a configured folder, and wrong there: say that, not "no module named"
        return registry.load_strategy(name)


def configured(name: str) -> str | None:
    """A setting's raw value as the settings object would find it: the environment, then `.env`."""
    return os.environ.get(name) or dotenv_values(ENV_FILE).get(name) or None


class InputProblem(click.ClickException):
    """Bad data, parameters or strategy: "Error: …" and exit status 2, as for bad options, but without
    click's usage lines, which say nothing about a file's line 53."""

    exit_code = 2

    @classmethod
    def of(cls, exc: Exception) -> click.ClickException:
        """The error for one of the engine's user errors: a strategy that failed while running (its own
        code raised) exits 1, as a run that failed, so a script can tell it from input it must change (2)."""
        from app.greta.strategy_failure import StrategyFailed

        return click.ClickException(str(exc)) if isinstance(exc, StrategyFailed) else cls(str(exc))


def fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def if_database_fails(consequence: str) -> Iterator[None]:
    """Add what a database failure inside the block left undone to the one line the group prints."""
    try:
        yield
    except Exception as exc:
        if database_failure(exc) is not None:
            exc.add_note(consequence)
        raise


def database_failure(exc: BaseException) -> str | None:
    """One line for a database error (which database, masked, and why), or None for any other error.
    SQLAlchemy is looked at only if a command has imported it: no database error without it."""
    errors = sys.modules.get("sqlalchemy.exc")
    if errors is None or not isinstance(exc, errors.DBAPIError):
        return None
    url = _database_in_use[0] if _database_in_use else configured("WEAVER_DATABASE_URL") or "(unknown)"
    cause = (str(exc.orig).strip() or type(exc.orig).__name__).splitlines()[0]
    for marker in ("FATAL:", "failed: "):  # psycopg: "connection … port 5432 failed: FATAL:  why" or "…failed: why"
        if marker in cause:
            cause = cause.rpartition(marker)[2].strip()
            break
    what = "cannot reach the database" if isinstance(exc, errors.OperationalError | errors.InterfaceError) \
        else "the database failed"
    if cause.startswith("no such table") or (cause.startswith("relation ") and cause.endswith("does not exist")):
        what, cause = "the database failed", f"{cause} (run `weaver db upgrade`)"  # not migrated yet
    notes = "".join(f"; {note}" for note in getattr(exc, "__notes__", ()))
    return f"{what} at {masked(url)}: {cause}{notes}"


def masked(url: str) -> str:
    """The URL without its password or driver name (postgresql+psycopg://u:pw@h/db → postgresql://u:***@h/db)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return "(a malformed URL)"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)
