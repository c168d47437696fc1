"""runs.list_json: each item names its walk-forward (`walkforward_id`, after `sweep_id`)

`RunOut` (GET /runs/{id}) now has `walkforward_id` (0017's column: a walk-forward's out-of-sample and contrast
runs name it; null otherwise), so the list's items, which Postgres keeps as text by 0015's trigger, say it too:
the function is rewritten with the field after `sweep_id`, as `RunOut` orders it, and every run's text is
written again (the trigger writes it on any update). Reading a page costs the same: it is part of the text.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# 0015's pieces, as it wrote them (a migration stands alone: it does not import another)
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
                   ELSE r.progress::text END"""
BEFORE = {  # 0015's fields, in RunOut's order then
    "id": string("id"), "mode": string("mode"), "name": string("name"), "strategy": string("strategy"),
    "params": "r.params::text", "symbols": "r.symbols::text", "timeframe": string("timeframe"),
    "start_at": moment("start_at"), "end_at": moment("end_at"), "cash": """'"' || r.cash::text || '"'""",
    "fees": "r.fees::text", "slippage": "r.slippage::text", "options": "r.options::text", "status": string("status"),
    "error": string("error"), "progress": PROGRESS, "sweep_id": string("sweep_id"),
    "created_at": moment("created_at"), "updated_at": moment("updated_at"), "queued_at": moment("queued_at"),
    "started_at": moment("started_at"), "finished_at": moment("finished_at"),
    "metrics": "coalesce(r.metrics_json, '{}')",
}
AFTER = dict(list(BEFORE.items())[:17] + [("walkforward_id", string("walkforward_id"))]  # after sweep_id
             + list(BEFORE.items())[17:])


def item(fields: dict[str, str]) -> str:
    return " || ".join(f"""'{"{" if i == 0 else ","}"{name}":' || {value}"""
                       for i, (name, value) in enumerate(fields.items()))


def function(fields: dict[str, str]) -> str:
    return f"""CREATE OR REPLACE FUNCTION runs_list_json() RETURNS trigger AS $$
    BEGIN
        SELECT {item(fields)} || '}}' INTO NEW.list_json FROM (SELECT NEW.*) AS r;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""


def _rewrite(fields: dict[str, str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # on SQLite the column stays NULL and the list writes its items itself
    op.execute(function(fields))
    op.execute("UPDATE runs SET list_json = NULL")  # the trigger writes each


def upgrade() -> None:
    _rewrite(AFTER)


def downgrade() -> None:
    _rewrite(BEFORE)
