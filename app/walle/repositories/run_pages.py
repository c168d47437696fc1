"""Keyset pages of runs, each read in one statement: a page costs the same with 100,000 runs stored as
with 100, and runs added meanwhile neither repeat nor push others out.

The order is the sort key (runs without a value last), then newest first (`created_at`, `id`
descending). A page is index seeks read in turn in one `UNION ALL` under the page's `LIMIT` (an arm
runs only while the page is short): the runs tied with the last key, the runs after that key, then
(for a metric) the runs without a value. Each seek matches an index: migration 0005's for run columns, 0007's
`run_metrics(name, value, run_created_at, run_id)` for metrics, so ties on a metric (a trade count
thousands of sweep cells share) are read in order, not sorted; 0011's and 0012's partial twins of them
(their predicate since 0017: outside any sweep and walk-forward) for `cells=hide`, so the dashboard's top
level seeks past none of the cells.

The statement selects only what a list item shows (on Postgres each run's item as the JSON text
0015's trigger keeps in `runs.list_json`, its metrics and, since 0018, its walk-forward included: nothing
is written out per request) and the matching runs counted up to `COUNT_CAP`: no ORM objects. On Postgres it
is one round trip in autocommit (no BEGIN or ROLLBACK), prepared at its first use on each connection and
planned once per shape (its constants are written in), and run on the psycopg connection itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    Dialect,
    Engine,
    Float,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    select,
    tuple_,
    union_all,
)

from app.walle.db import make_engine
from app.walle.models import Run, RunMetric
from app.walle.repositories.runs import RUN_COLUMNS, RunFilter, RunRepository, cells_condition

COUNT_CAP = 1_000  # counting further costs as much as the rows it counts: report "more than"
# What a list item shows: every field of a run but its bookkeeping (corr_id, heartbeat_at), then metrics.
LIST_COLUMNS = (Run.id, Run.mode, Run.name, Run.strategy, Run.params, Run.symbols, Run.timeframe, Run.start_at,
                Run.end_at, Run.cash, Run.fees, Run.slippage, Run.options, Run.status, Run.error, Run.progress,
                Run.sweep_id, Run.walkforward_id, Run.created_at, Run.updated_at, Run.queued_at, Run.started_at,
                Run.finished_at)
FIELDS = tuple(column.key for column in LIST_COLUMNS)
# On Postgres a page reads only where each run stands and what its state derives from, beside its item's text.
PG_COLUMNS = (Run.id, Run.mode, Run.status, Run.error, Run.created_at)


@dataclass(frozen=True)
class RunPosition:
    """Where a page ended: the last run's sort key (None: it had no value), creation time and id."""

    key: Any
    created_at: datetime
    id: str


@dataclass(frozen=True)
class RunRows:
    """A page: each run as {field: value} (`FIELDS` and `metrics`), where its last run stands (on Postgres
    only if the page is full: no run follows a short one), whether another run follows (`more`: the page
    read one row past its size, so a full last page says no), and the matching runs counted up to
    `COUNT_CAP` (`exact` false: there are more). With `json_text` (on Postgres), each item is its whole
    JSON text, kept by Postgres (migration 0015), with the run's mode, status and error beside it (its
    `state` derives from them): `(text, mode, status, error)`."""

    items: list[Any]  # {field: value} dicts, or (JSON text, mode, status, error) with `json_text`
    last: RunPosition | None
    more: bool
    total: int
    exact: bool
    json_text: bool


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for pages; on Postgres in autocommit, so a page's one statement is one round trip (the
    engine `page_engine` builds is in autocommit already)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql" and engine.dialect.isolation_level != "AUTOCOMMIT":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


GENERIC_PLANS = "generic_plans"  # the execution option marking `page_engine`'s connections


def page_engine(url: str) -> Engine:
    """The pages' own pool on Postgres: connections in autocommit whose prepared statements run their
    generic plan (`plan_cache_mode` set when each connects), so a page is one statement without the
    `GENERIC_PLAN` pipeline before it (0.35 -> 0.25 ms a cursor page at 100,000 runs, in process). Sized
    as the read engine (`make_engine`'s pool): a connection opened past it for a burst of pages would be
    closed after one, and each new one prepares and plans its statements again."""
    engine = make_engine(url, isolation_level="AUTOCOMMIT",
                         connect_args={"options": "-c plan_cache_mode=force_generic_plan"})
    return engine.execution_options(**{GENERIC_PLANS: True})


FILTERS = {"mode": Run.mode, "status": Run.status, "strategy": Run.strategy, "sweep_id": Run.sweep_id}


def inline(value: Any) -> Any:
    """A constant written into the SQL, not bound: a page's statement then has no parameters but its
    filters and position, so Postgres plans it once (a generic plan) instead of at every request."""
    return literal(value, literal_execute=True)


CELLS = {"cells=hide": "hide", "cells=only": "only"}  # a filter name for each `cells` that adds a condition


def filtered(query: Select[Any], filters: tuple[str, ...]) -> Select[Any]:
    """`query` limited to runs whose named columns equal the bound `f_<name>`, and to the runs a
    `cells=` name keeps (a condition without a parameter)."""
    for name in filters:
        cells = CELLS.get(name)
        query = query.where(cells_condition(cells) if cells else FILTERS[name] == bindparam(f"f_{name}"))
    return query


def filter_names(filters: RunFilter) -> tuple[str, ...]:
    """The shape of `filters`: which columns are bound, and the `cells` condition (part of the shape,
    so each is a statement of its own, planned once)."""
    names = tuple(name for name in FILTERS if getattr(filters, name) is not None)
    return names if filters.cells == "show" else (*names, f"cells={filters.cells}")


def filter_values(filters: RunFilter) -> dict[str, Any]:
    return {f"f_{name}": value for name in FILTERS if (value := getattr(filters, name)) is not None}


def newer_than(created_at: Any, run_id: Any) -> Any:
    """Rows after the bound position (`p_created`, `p_id`) in newest-first order."""
    return tuple_(created_at, run_id) < tuple_(bindparam("p_created", type_=Run.created_at.type),
                                               bindparam("p_id", type_=Run.id.type))


@lru_cache(maxsize=256)
def arms(postgres: bool, sort: str, descending: bool, start: str, filters: tuple[str, ...]) -> tuple[Select[Any], ...]:
    """The seeks that, read in turn, give the runs in order from `start` (without `LIMIT`): "first"
    (the first page), "key" (after a run with the bound sort key `p_key`) or "missing" (after a run
    without one). Built once per shape, so SQLAlchemy compiles each shape once."""
    columns = list(PG_COLUMNS if postgres else LIST_COLUMNS)
    kept: list[Any] = []  # after the sort key: on Postgres the item as sent (0015's trigger)
    if postgres:
        kept = [Run.list_json]
    metric = sort not in RUN_COLUMNS
    if metric:  # ties in the metric index's order: its run_created_at is the run's created_at
        key, created_at, run_id = RunMetric.value, RunMetric.run_created_at, RunMetric.run_id
        base = (select(*columns, key.label("sort_key"), *kept).select_from(RunMetric)
                .join(Run, Run.id == RunMetric.run_id).where(RunMetric.name == inline(sort), key.is_not(None)))
        if "cells=hide" in filters:  # 0012's partial index (0017's predicate): the metrics of top-level runs
            # alone. The run's own condition is then left out: it says the same (the metric row copies its
            # sweep and walk-forward), and the planner, counting it twice, expects a few hundred rows and sorts
            # them all (11 ms, not 1)
            base = base.where(RunMetric.run_sweep_id.is_(None), RunMetric.run_walkforward_id.is_(None))
            base = filtered(base, tuple(name for name in filters if name != "cells=hide"))
        else:
            base = filtered(base, filters)
    else:
        key, created_at, run_id = RUN_COLUMNS[sort], Run.created_at, Run.id
        base = filtered(select(*columns, key.label("sort_key"), *kept), filters)
    newest_first = (created_at.desc(), run_id.desc())
    by_key = key.desc() if descending else key.asc()
    found: list[Select[Any]] = []
    if start == "first":
        found.append(base.order_by(by_key, *newest_first))
    elif start == "key":  # the ties, then the keys beyond: one row comparison `(key, created_at, id) < (…)`
        # would do descending, but the planner then guesses from the key alone (none below the least status)
        position = bindparam("p_key", type_=key.type)
        found.append(base.where(key == position, newer_than(created_at, run_id)).order_by(*newest_first))
        found.append(base.where(key < position if descending else key > position).order_by(by_key, *newest_first))
    if metric:
        valued = exists().where(RunMetric.run_id == Run.id, RunMetric.name == inline(sort),
                                RunMetric.value.is_not(None))
        missing = filtered(select(*columns, cast(null(), Float).label("sort_key"), *kept).where(~valued), filters)
        if start == "missing":
            missing = missing.where(newer_than(Run.created_at, Run.id))
        found.append(missing.order_by(Run.created_at.desc(), Run.id.desc()))
    return tuple(found)


@lru_cache(maxsize=128)
def offset_arms(postgres: bool, sort: str, descending: bool, filters: tuple[str, ...]) -> tuple[Select[Any], ...]:
    """The first page's seeks, each skipping `offset` rows (written in): numbered pages."""
    offset = bindparam("offset", type_=Integer, literal_execute=True)
    return tuple(seek.offset(offset) for seek in arms(postgres, sort, descending, "first", filters))


def counted(filters: tuple[str, ...]) -> Select[Any]:
    """The number of matching runs, counted up to one past `COUNT_CAP`."""
    capped = filtered(select(inline(1)).select_from(Run), filters).limit(inline(COUNT_CAP + 1)).subquery()
    return select(func.count()).select_from(capped)


@lru_cache(maxsize=256)
def page_statement(postgres: bool, seeks: tuple[Select[Any], ...], filters: tuple[str, ...],
                   counting: bool = True) -> Select[Any]:
    """The first `:limit` rows of `seeks` read in turn, each with its metrics, and the capped count (without
    `counting`: one past the cap, "more than")."""
    limit = bindparam("limit", type_=Integer, literal_execute=True)
    if len(seeks) == 1:
        page = seeks[0].limit(limit).subquery("page")
    else:  # an arm runs only while the page is short (Append under Limit)
        page = union_all(*(select(seek.limit(limit).subquery()) for seek in seeks)).subquery("page")
    total = (counted(filters).scalar_subquery() if counting else inline(COUNT_CAP + 1)).label("total")
    if not postgres:
        return select(*page.c, total).limit(limit)
    # Where a run stands only on a full page's last row (the one before the row read to see if more follow):
    # the others' are NULL, so psycopg makes no datetimes for them. (A window that also found a short page's
    # last row would read every arm to its end: 5 ms, not 0.3, a metric's first page at 100,000 runs.)
    last = func.row_number().over() == limit - inline(1)
    return select(page.c.list_json.label("item"), *(case((last, column)).label(column.name) for column in (
        page.c.sort_key, page.c.created_at, page.c.id)), total, page.c.mode, page.c.status, page.c.error).limit(limit)


SORT_KEY, TOTAL, METRICS = len(FIELDS), len(FIELDS) + 1, len(FIELDS) + 2  # after the fields in a page's rows
# A Postgres page's rows: the item's JSON text first, then where it stands, the count, and what its state derives from.
ITEM, PG_SORT_KEY, PG_CREATED_AT, PG_ID, PG_TOTAL, PG_MODE, PG_STATUS, PG_ERROR = range(8)
CREATED_AT = FIELDS.index("created_at")


# A page with parameters (a cursor's position, filters) runs its statement's generic plan, planned once per
# connection. Left to choose, Postgres replanned a cursor page sorted by created_at, mode, symbols or trades
# at every request (its generic plan's estimate is worse than a custom plan's, not its time): 0.4-1.4 ms
# more at 100,000 runs. `page_engine`'s connections are set so when they connect; on another connection it
# is set for the statement's own implicit transaction only, sent in one round trip with it (pipeline).
GENERIC_PLAN = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"
WRITTEN_IN = ("limit", "offset")  # the parameters a page's SQL has written in (literal_execute)


@lru_cache(maxsize=512)
def psycopg_sql(statement: Select[Any], written_in: tuple[tuple[str, int], ...],
                dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """`statement` as psycopg runs it, with its page size (and offset) written in, and its constant
    parameters."""
    unbound = {name: None for name, bind in statement.compile(dialect=dialect).binds.items() if bind.required}
    compiled = statement.params({**unbound, **dict(written_in)}).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True})
    return str(compiled), {name: value for name, value in compiled.params.items() if name not in unbound}


class RunPages:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"  # JSON columns and metrics as JSON text
        self.generic = bool(conn.get_execution_options().get(GENERIC_PLANS))  # from `page_engine`

    def after(self, filters: RunFilter, *, limit: int, sort: str = "created_at", descending: bool = True,
              position: RunPosition | None = None, count: bool = True) -> RunRows:
        """Up to `limit` runs following `position` (from the start without one). Without `count` (an
        earlier page counted past the cap) the page says "more than `COUNT_CAP`" without counting."""
        names = filter_names(filters)
        values = filter_values(filters)
        start = "first"
        if position is not None:
            start = "missing" if position.key is None else "key"
            key = position.created_at if sort == "created_at" else position.key
            values.update(p_key=key, p_created=position.created_at, p_id=position.id)
        page = self.read(arms(self.postgres, sort, descending, start, names), values, names, limit, counting=count)
        if not page.items and position is not None:  # past the end: the count had no row to ride on
            return RunRows([], None, False, *self.count(filters), page.json_text)
        return page

    def numbered(self, filters: RunFilter, *, limit: int, offset: int, sort: str = "created_at",
                 descending: bool = True) -> RunRows:
        """Page `offset // limit + 1` in the same order as `after`, counting past every earlier run."""
        names = filter_names(filters)
        values = filter_values(filters)
        first, *rest = offset_arms(self.postgres, sort, descending, names)
        page = self.read((first,), {**values, "offset": offset}, names, limit)
        if not rest or page.more:
            return page if page.items else RunRows([], None, False, *self.count(filters), page.json_text)
        # A metric: the runs with a value, then (counting those) the runs without one.
        valued_runs = arms(self.postgres, sort, descending, "first", names)[0].order_by(None).subquery()
        valued = self.conn.scalar(select(func.count()).select_from(valued_runs), values) or 0
        more = self.read((rest[0],), {**values, "offset": max(offset - valued, 0)}, names, limit - len(page.items))
        total, exact = (page.total, page.exact) if page.items else self.count(filters)
        return RunRows(page.items + more.items, more.last or page.last, more.more, total, exact, page.json_text)

    def read(self, seeks: tuple[Select[Any], ...], values: dict[str, Any], filters: tuple[str, ...],
             size: int, counting: bool = True) -> RunRows:
        """Up to `size` rows of `seeks`, reading one more (in the same statement) to know whether any follow."""
        statement = page_statement(self.postgres, seeks, filters, counting)
        values = {**values, "limit": size + 1}
        if self.postgres:
            return self._read_postgres(statement, values, size)
        found = self.conn.execute(statement, values).all()
        metrics = RunRepository(self.conn).metrics([row.id for row in found[:size]])  # type: ignore[arg-type]
        rows = [[*row[:SORT_KEY], row.sort_key, row.total, metrics.get(row.id, {})] for row in found]
        total = rows[0][TOTAL] if rows else 0
        more = len(rows) > size
        del rows[size:]
        last = RunPosition(rows[-1][SORT_KEY], rows[-1][CREATED_AT], rows[-1][0]) if rows else None
        items = [dict(zip(FIELDS, row, strict=False)) for row in rows]
        for item, row in zip(items, rows, strict=True):
            item["metrics"] = row[METRICS]
        return RunRows(items, last, more, min(total, COUNT_CAP), total <= COUNT_CAP, self.postgres)

    def _read_postgres(self, statement: Select[Any], values: dict[str, Any], size: int) -> RunRows:
        """The page straight from psycopg, each item as the JSON text Postgres keeps (migration 0015):
        SQLAlchemy's execution and row processing cost as much as the statement itself, and so did
        parsing two dozen values a run to write them out again."""
        written_in = tuple((name, values[name]) for name in WRITTEN_IN if name in values)
        sql, constants = psycopg_sql(statement, written_in, self.conn.dialect)
        driver = self.conn.connection.driver_connection
        # Prepared at its first use on each pooled connection, not its sixth (psycopg's default): planning
        # the page's statement costs about as much again as running it (3.1 vs 1.8 ms, same minute).
        params = {**constants, **values}
        if "%(" not in sql or self.generic:  # nothing bound (planned once as it is), or generic plans already
            rows = driver.execute(sql, params, prepare=True).fetchall()  # type: ignore[union-attr]
        else:  # with its generic plan: see GENERIC_PLAN
            with driver.pipeline():  # type: ignore[union-attr]
                driver.execute(GENERIC_PLAN, prepare=True)  # type: ignore[union-attr]
                cursor = driver.execute(sql, params, prepare=True)  # type: ignore[union-attr]
            rows = cursor.fetchall()
        total = rows[0][PG_TOTAL] if rows else 0
        more = len(rows) > size
        del rows[size:]
        last = None
        if rows and len(rows) == size:  # a full page: its last row carries its position (see `page_statement`)
            key, created_at, run_id = rows[-1][PG_SORT_KEY], rows[-1][PG_CREATED_AT], rows[-1][PG_ID]
            last = RunPosition(key.astimezone(UTC) if isinstance(key, datetime) else key, created_at.astimezone(UTC),
                               run_id)
        items = [(row[ITEM], row[PG_MODE], row[PG_STATUS], row[PG_ERROR]) for row in rows]
        return RunRows(items, last, more, min(total, COUNT_CAP), total <= COUNT_CAP, True)

    def count(self, filters: RunFilter) -> tuple[int, bool]:
        """The number of matching runs up to `COUNT_CAP`, and whether that is all of them."""
        names = filter_names(filters)
        found = self.conn.scalar(counted(names), filter_values(filters)) or 0
        return min(found, COUNT_CAP), found <= COUNT_CAP
