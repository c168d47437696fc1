"""A database that can't be reached ends any command with one line on stderr (which database, with its
password masked, and why) and exit 1, never a traceback; `weaver backtest` still writes its result first."""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.conftest import weaver

MISSING = "postgresql+psycopg://root:s3cret@127.0.0.1:5432/no_such_db"
UNREACHABLE = "error: cannot reach the database at postgresql://root:***@127.0.0.1:5432/no_such_db: database " \
              '"no_such_db" does not exist'


@pytest.fixture
def missing_db_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")}
    env["WEAVER_DATABASE_URL"] = MISSING
    return env


@pytest.mark.parametrize("command", [("db", "check"), ("db", "upgrade"), ("runs", "list"),
                                     ("bars", "import", "{csv}", "--symbol", "GOOG", "--quiet")],
                         ids=["db check", "db upgrade", "runs list", "bars import"])
def test_a_missing_database_is_one_line_not_a_traceback(missing_db_env, tmp_path, command):
    csv = tmp_path / "GOOG.csv"
    csv.write_text("timestamp,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,100\n")
    done = weaver(*(part.format(csv=csv) for part in command), env=missing_db_env, timeout=60)
    assert (done.returncode, done.stderr, done.stdout) == (1, UNREACHABLE + "\n", "")


def test_backtest_writes_its_result_then_says_the_run_was_not_stored(missing_db_env, tmp_path):
    out = tmp_path / "out.json"
    done = weaver("backtest", "--strategy", "sma_cross", "--param", "fast=5", "--param", "slow=20", "--synthetic",
                  "AAA:300:1", "--quiet", "--close-at-end", "--json", str(out), env=missing_db_env, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr and "s3cret" not in done.stderr
    assert done.stderr.splitlines() == [f"wrote {out}", f"{UNREACHABLE}; the run was not stored (the result is in "
                                                        f"{out})"]
    assert done.stdout.startswith("sma_cross: total return") and json.loads(out.read_text())["bars"] == 300


def test_a_database_without_the_schema_says_to_upgrade_it(tmp_path):
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")}
    env["WEAVER_DATABASE_URL"] = f"sqlite:///{empty}"
    done = weaver("runs", "list", env=env, timeout=60)
    assert (done.returncode, done.stderr) == (
        1, f"error: the database failed at sqlite:///{empty}: no such table: runs (run `weaver db upgrade`)\n")
