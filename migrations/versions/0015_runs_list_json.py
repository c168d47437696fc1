"""runs.list_json: each run's item of the runs list as JSON text, kept by a trigger

`GET /api/v1/runs` sent each item as JSON text Postgres wrote at every request: two dozen fields a run,
datetimes through `to_char`, strings through `to_json`, for each of a page's 51 rows. That took about
half of the page statement's time (0.58 of which 0.25 ms, 100,000 runs, newest first). Here the text
is written once per change instead: a row trigger before every insert and update of `runs` (COPY
included) writes it from the new row, the metrics from `metrics_json` (0009, whose triggers update
the run, so this one follows them too). The text is what orjson writes for `RunOut` (GET /runs/{id}):
keys in its order, no spaces, strings escaped, datetimes in UTC as pydantic writes them
(`2026-01-05T09:30:00Z`, with `.250000` when there are microseconds), `cash` its NUMERIC text quoted,
the JSON columns as stored, a whole `progress` with its `.0` and a non-finite one null; the
`metrics_unavailable` and `state` fields are derived in Python and appended by the list. A change to
that shape is a new migration rewriting the function. Postgres only: on SQLite the column stays NULL
and the list writes its items itself.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SECONDS = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"
MICROSECONDS = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"


def string(column: str) -> str:
    return f"coalesce(to_json(r.{column})::text, 'null')"


def moment(column: str) -> str:
    utc = f"timezone('UTC', r.{column})"
    shape = f"CASE WHEN date_trunc('second', {utc}) = {utc} THEN {SECONDS} ELSE {MICROSECONDS} END"
    return f"""coalesce('"' || to_char({utc}, {shape}) || '"', 'null')"""


PROGRESS = """CASE WHEN r.progress IS NULL OR r.progress IN ('NaN', 'Infinity', '-Infinity') THEN 'null'
                   WHEN r.progress = trunc(r.progress) AND abs(r.progress) < 1e15 THEN r.progress::text || '.0'
                   ELSE r.progress::text END"""  # from 1e15 on Postgres writes an exponent: no `.0` to add
FIELDS = {  # RunOut's fields in its order, but the two Python appends
    "id": string("id"), "mode": string("mode"), "name": string("name"), "strategy": string("strategy"),
    "params": "r.params::text", "symbols": "r.symbols::text", "timeframe": string("timeframe"),
    "start_at": moment("start_at"), "end_at": moment("end_at"), "cash": """'"' || r.cash::text || '"'""",
    "fees": "r.fees::text", "slippage": "r.slippage::text", "options": "r.options::text", "status": string("status"),
    "error": string("error"), "progress": PROGRESS, "sweep_id": string("sweep_id"),
    "created_at": moment("created_at"), "updated_at": moment("updated_at"), "queued_at": moment("queued_at"),
    "started_at": moment("started_at"), "finished_at": moment("finished_at"),
    "metrics": "coalesce(r.metrics_json, '{}')",
}
ITEM = " || ".join(f"""'{"{" if i == 0 else ","}"{name}":' || {value}"""
                   for i, (name, value) in enumerate(FIELDS.items()))
FUNCTION = f"""CREATE FUNCTION runs_list_json() RETURNS trigger AS $$
    BEGIN
        SELECT {ITEM} || '}}' INTO NEW.list_json FROM (SELECT NEW.*) AS r;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""


def upgrade() -> None:
    op.add_column("runs", sa.Column("list_json", sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("CREATE TRIGGER tr_runs_list_json BEFORE INSERT OR UPDATE ON runs "
               "FOR EACH ROW EXECUTE FUNCTION runs_list_json()")
    op.execute("UPDATE runs SET list_json = NULL")  # the trigger writes each


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tr_runs_list_json ON runs")
        op.execute("DROP FUNCTION runs_list_json()")
    op.execute("ALTER TABLE runs DROP COLUMN list_json")
