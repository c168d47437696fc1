"""`weaver backtest --data FILE` starts without the database layer: SQLAlchemy, the models and
pydantic-settings cost a CSV backtest most of a second it never used (a quarter of a 1M-bar run)."""

from __future__ import annotations

import subprocess
import sys


def test_the_backtest_command_loads_no_database_or_settings_library() -> None:
    probe = ("import sys, app.cli.backtest; "
             "print(sorted(m for m in ('sqlalchemy', 'pydantic_settings', 'app.walle', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
