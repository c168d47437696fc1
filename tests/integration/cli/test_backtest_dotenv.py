"""`weaver backtest` reads the database URL the way every command does: from the environment or from
`.env` in the working directory."""

from __future__ import annotations

import subprocess
import sys

from app.bootstrap import Container
from app.walle.models import Run
from tests.integration.conftest import ROOT


def test_backtest_stores_the_run_when_the_database_url_is_only_in_dot_env(pg: Container, cli_env, tmp_path):
    (tmp_path / ".env").write_text(f"WEAVER_DATABASE_URL={cli_env['WEAVER_DATABASE_URL']}\n")
    env = {k: v for k, v in cli_env.items() if k != "WEAVER_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "backtest", "--strategy",
                           "buy_and_hold", "--synthetic", "QQQ:50", "--quiet"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.strip().splitlines()[-1].removeprefix("stored as run ")
    with pg.read_session() as session:
        run = session.get(Run, run_id)
    assert run is not None and (run.mode, run.status, run.strategy) == ("backtest", "completed", "buy_and_hold")


def test_database_commands_use_the_dot_env_database_not_the_embedded_file(pg: Container, cli_env, tmp_path):
    (tmp_path / ".env").write_text(f"WEAVER_DATABASE_URL={cli_env['WEAVER_DATABASE_URL']}\n")
    env = {k: v for k, v in cli_env.items() if k != "WEAVER_DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", "from app.cli import main; main()", "db", "check"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "data").exists()  # no embedded SQLite file was made beside the .env
