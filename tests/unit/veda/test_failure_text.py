"""A run stopped by an error says whose error it was: the database's (first line, no SQL) or the strategy's."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import IntegrityError

from app.veda.tick import failure_text


def test_a_database_error_is_not_blamed_on_the_strategy_and_shows_no_sql() -> None:
    error = IntegrityError("INSERT INTO live_ticks (run_id, bar_ts) VALUES (?, ?)", ("r", "t"),
                           sqlite3.IntegrityError("UNIQUE constraint failed: live_ticks.run_id, live_ticks.bar_ts"))
    assert failure_text(error, "2026-12-02T21:00:00+00:00") == (
        "the run's records could not be saved on the bar 2026-12-02T21:00:00+00:00: IntegrityError: "
        "UNIQUE constraint failed: live_ticks.run_id, live_ticks.bar_ts")


def test_a_strategy_error_names_the_strategy() -> None:
    assert failure_text(ZeroDivisionError("division by zero"), "2026-12-02T21:00:00+00:00") == (
        "the strategy failed on the bar 2026-12-02T21:00:00+00:00: ZeroDivisionError: division by zero")
