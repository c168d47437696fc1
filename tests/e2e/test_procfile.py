"""The Procfile's processes, started by honcho against the real Postgres and Redis, complete a
backtest submitted through the API."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
import requests

from app.bootstrap import bootstrap
from tests.conftest import REDIS_URL, TEST_TOKEN, create_pg_database, drop_pg_database, make_settings, pg_url_for
from tests.integration.api.conftest import store_daily_bars

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_procfile_processes_complete_a_backtest_submitted_through_the_api() -> None:
    name = create_pg_database("weaver_procfile")
    url = pg_url_for(name)
    namespace = f"weaver-procfile-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "WEAVER_DATABASE_URL": url,
           "WEAVER_REDIS_URL": REDIS_URL, "WEAVER_BROKER": "redis", "WEAVER_API_TOKEN": TEST_TOKEN,
           "WEAVER_QUEUE_NAMESPACE": namespace, "BACKTEST_PROCESSES": "1", "WEAVER_LOG_FORMAT": "json"}
    subprocess.run([str(BIN / "weaver"), "db", "upgrade"], env=env, check=True, capture_output=True)
    container = bootstrap(make_settings(url), listen=False)
    store_daily_bars(container, "AAPL", days=300)
    container.close()
    log = tempfile.TemporaryFile()
    honcho = subprocess.Popen([str(BIN / "honcho"), "start", "-f", "Procfile", "-p", str(port)], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {TEST_TOKEN}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"{base}/api/v1/health", headers=auth, timeout=2).json()
                if health["status"] == "ok":  # the workers and the scheduler beat, the database answers
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the Procfile processes did not come up"
            time.sleep(0.5)
        assert health["failing"] == [] and health["workers"] == {"backtest": 1, "live": 1}
        run = requests.post(f"{base}/api/v1/runs", headers=auth, timeout=10, json={
            "strategy": "sma_cross", "params": {"fast": 5, "slow": 20}, "symbols": ["AAPL"], "start_now": True,
        }).json()
        deadline = time.monotonic() + 60
        while (detail := requests.get(f"{base}/api/v1/runs/{run['id']}", headers=auth, timeout=5).json())[
                "status"] != "completed":
            assert detail["status"] in ("queued", "running"), detail
            assert time.monotonic() < deadline, "the backtest did not complete"
            time.sleep(0.3)
        assert detail["metrics"]["bars"] == 300
    except AssertionError:
        log.seek(0)
        print(log.read().decode(errors="replace")[-6000:])
        raise
    finally:
        os.killpg(honcho.pid, signal.SIGTERM)
        honcho.wait(30)
        log.close()
        drop_pg_database(name)
        keys = redis.Redis.from_url(REDIS_URL).keys(f"{namespace}*")
        if keys:
            redis.Redis.from_url(REDIS_URL).delete(*keys)
