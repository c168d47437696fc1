"""equity_points: the run each point names is checked once per statement, not once per row

A run's equity curve is its biggest record (a point per bar: a million for a million-bar backtest, 200
for each sweep cell's summary), and its foreign key checked every point on its own: Postgres ran a
lookup and a row lock on `runs` per point, 5 µs each (1,200 points of six sweep cells: 6.3 of the
insert's 10 ms). Here, on Postgres, the foreign key gives way to two statement triggers with the same
effect: after an insert (or update) into `equity_points` the runs it names are locked as the key
would lock them (FOR KEY SHARE, so none can be deleted before this commits) and a missing one fails
the statement with the foreign key's error code (23503); after a delete from `runs` their points go,
as ON DELETE CASCADE did. SQLite keeps the foreign key (its checks are cheap, and its table is small).
`migrate.schema_differences` knows the constraint is replaced, not missing.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CONSTRAINT = "fk_equity_points_run_id_runs"
CHECK = """CREATE FUNCTION equity_points_runs_exist() RETURNS trigger AS $$
    DECLARE
        missing text;
    BEGIN
        PERFORM 1 FROM runs WHERE id IN (SELECT DISTINCT run_id FROM added) FOR KEY SHARE;
        SELECT a.run_id INTO missing FROM (SELECT DISTINCT run_id FROM added) AS a
            WHERE NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = a.run_id) LIMIT 1;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "equity_points" violates foreign key constraint "%"', '""" \
    + CONSTRAINT + """'
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format('Key (run_id)=(%s) is not present in table "runs".', missing);
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""
CASCADE = """CREATE FUNCTION runs_delete_equity_points() RETURNS trigger AS $$
    BEGIN
        DELETE FROM equity_points WHERE run_id IN (SELECT id FROM gone);
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""
TRIGGERS = {
    "tr_equity_points_runs_exist_insert": ("AFTER INSERT ON equity_points REFERENCING NEW TABLE AS added",
                                           "equity_points_runs_exist"),
    "tr_equity_points_runs_exist_update": ("AFTER UPDATE ON equity_points REFERENCING NEW TABLE AS added",
                                           "equity_points_runs_exist"),
    "tr_runs_delete_equity_points": ("AFTER DELETE ON runs REFERENCING OLD TABLE AS gone",
                                     "runs_delete_equity_points"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK)
    op.execute(CASCADE)
    for name, (when, function) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT EXECUTE FUNCTION {function}()")
    op.execute(f"ALTER TABLE equity_points DROP CONSTRAINT {CONSTRAINT}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE equity_points ADD CONSTRAINT {CONSTRAINT} FOREIGN KEY (run_id) REFERENCES runs (id) "
               "ON DELETE CASCADE")
    for name, (when, _) in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name} ON {when.split(' ON ')[1].split()[0]}")
    op.execute("DROP FUNCTION runs_delete_equity_points()")
    op.execute("DROP FUNCTION equity_points_runs_exist()")
