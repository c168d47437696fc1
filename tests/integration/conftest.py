"""CLI tests run the real `weaver` command in a subprocess against the run's Postgres database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.bootstrap import Container

ROOT = Path(__file__).resolve().parents[3]


def weaver(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `weaver ARGS…` as a user would (no terminal, so no progress bar) and capture its output."""
    return subprocess.run([sys.executable, "-c", "from app.cli import main; main()", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli_env(pg: Container) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")}
    env["WEAVER_DATABASE_URL"] = pg.settings.database_url
    env["WEAVER_BROKER"] = "memory"
    yield env
