"""runs.metrics_json: each run's metrics as the JSON object the runs list sends, kept by triggers

Each item of `GET /api/v1/runs` carries its run's metrics. Gathered per run at every request (an
index-only scan and `json_object_agg` for each of a page's 50 runs) they took about half of the
page statement's Postgres time (0.64 of 1.18 ms of backend CPU, 100,000 runs). Here they are kept
written out: statement-level triggers on `run_metrics` (insert, update, delete; COPY included, so
every writer keeps it without knowing) rewrite `runs.metrics_json` for the runs a statement touched,
NaN and ±infinity as null, as the list wrote them. NULL: the run has no metrics (`{}`). Postgres
only: on SQLite the column stays NULL and the list reads `run_metrics` itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

METRICS_OF = """(SELECT CAST(json_object_agg(m.name, CASE WHEN m.value - m.value = 0.0 THEN m.value END
                                       ORDER BY m.name) AS TEXT)
                 FROM run_metrics AS m WHERE m.run_id = runs.id)"""
FUNCTION = f"""CREATE FUNCTION runs_metrics_json() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE runs SET metrics_json = {METRICS_OF} WHERE id IN (SELECT DISTINCT run_id FROM gone);
        ELSE
            UPDATE runs SET metrics_json = {METRICS_OF} WHERE id IN (SELECT DISTINCT run_id FROM added);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""
TRIGGERS = {  # an update that moves a metric to another run is not one Weaver makes: the new rows' runs are rewritten
    "tr_runs_metrics_json_insert": "AFTER INSERT ON run_metrics REFERENCING NEW TABLE AS added",
    "tr_runs_metrics_json_update": "AFTER UPDATE ON run_metrics REFERENCING NEW TABLE AS added",
    "tr_runs_metrics_json_delete": "AFTER DELETE ON run_metrics REFERENCING OLD TABLE AS gone",
}


def upgrade() -> None:
    op.add_column("runs", sa.Column("metrics_json", sa.Text(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for name, when in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION runs_metrics_json()")
    op.execute(f"UPDATE runs SET metrics_json = {METRICS_OF} WHERE id IN (SELECT DISTINCT run_id FROM run_metrics)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON run_metrics")
        op.execute("DROP FUNCTION runs_metrics_json()")
    op.execute("ALTER TABLE runs DROP COLUMN metrics_json")  # SQLite 3.35+ drops it in place (as 0007 does)
