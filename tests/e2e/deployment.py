"""Weaver deployed as the Procfile deploys it, for end-to-end tests: `weaver exchange` on second bars,
then `weaver web`, `weaver worker` (backtest and live) and `weaver scheduler`, each its own OS
process group on a fresh Postgres database and its own Redis namespace; torn down and cleaned up
after. `processes()` lists every OS process of the deployment (gunicorn's and Dramatiq's children
too), for tests that watch them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis
import requests

from tests.conftest import REDIS_URL, TEST_TOKEN, create_pg_database, drop_pg_database, pg_url_for
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "PK-E2E-DEPLOY", "e2e-deploy-secret"
SYMBOLS = {"AAPL": 190, "MSFT": 410, "SPY": 520}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Deployment:
    base: str  # the API's URL
    exchange: str  # the local exchange's URL
    database_url: str
    logs: Path
    roles: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TEST_TOKEN}"}

    @property
    def exchange_auth(self) -> dict[str, str]:
        return {"APCA-API-KEY-ID": KEY, "APCA-API-SECRET-KEY": SECRET}

    def processes(self) -> dict[str, int]:
        """Every live OS process of the deployment: "role" for each started process, "role/pid" for
        its descendants."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        found = {}
        for role, process in self.roles.items():
            if process.poll() is not None:
                continue
            found[role] = process.pid
            pending = list(children.get(process.pid, []))
            while pending:
                pid = pending.pop()
                found[f"{role}/{pid}"] = pid
                pending.extend(children.get(pid, []))
        return found

    def log(self, role: str) -> str:
        return (self.logs / f"{role}.log").read_text(errors="replace")[-4000:]


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def deployed(logs: Path, *, backtest_processes: int = 1, env: dict[str, str] | None = None) -> Iterator[Deployment]:
    name = create_pg_database("weaver_deploy")
    url = pg_url_for(name)
    namespace = f"weaver-deploy-{uuid.uuid4().hex[:8]}"
    exchange_port, web_port = free_port(), free_port()
    exchange = f"http://127.0.0.1:{exchange_port}"
    common = {**os.environ, "PYTHONPATH": str(ROOT), "WEAVER_LOG_FORMAT": "console", "WEAVER_LOG_LEVEL": "WARNING"}
    weaver_env = {**common, "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL,
                  "WEAVER_API_TOKEN": TEST_TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace,
                  "WEAVER_ALPACA_PAPER_KEY_ID": KEY, "WEAVER_ALPACA_PAPER_SECRET_KEY": SECRET,
                  "WEAVER_ALPACA_PAPER_BASE_URL": exchange, "WEAVER_ALPACA_PAPER_DATA_URL": exchange,
                  "WEAVER_ALPACA_PAPER_STREAM_URL": f"ws://127.0.0.1:{exchange_port}/stream", **(env or {})}
    deployment = Deployment(f"http://127.0.0.1:{web_port}", exchange, url, logs)
    commands = {
        "exchange": (["exchange", "--port", str(exchange_port), "--bar-seconds", "1", "--hours", "always",
                      "--symbols", ",".join(f"{s}={p}" for s, p in SYMBOLS.items()),
                      "--account", f"paper:{KEY}:{SECRET}:10000000:short"], common),
        "web": (["web", "--host", "127.0.0.1", "--port", str(web_port)], weaver_env),
        "backtest": (["worker", "--queues", "backtest", "--processes", str(backtest_processes), "--threads", "1"],
                     weaver_env),
        "live": (["worker", "--queues", "live"], weaver_env),
        "scheduler": (["scheduler"], weaver_env),
    }
    try:
        subprocess.run([sys.executable, "-m", "app", "db", "upgrade"], cwd=ROOT, env=weaver_env, check=True,
                       capture_output=True)
        def start(role: str, args: list[str], role_env: dict[str, str]) -> None:
            with (logs / f"{role}.log").open("ab") as log:  # the child keeps its own descriptor
                deployment.roles[role] = subprocess.Popen(
                    [sys.executable, "-m", "app", *args], cwd=ROOT, env=role_env, start_new_session=True,
                    stdout=log, stderr=subprocess.STDOUT)

        for role, (args, role_env) in commands.items():
            start(role, args, role_env)
            if role == "exchange":
                wait_for(lambda: _answers(f"{exchange}/v2/clock", deployment.exchange_auth), 30, "the exchange")
        for _ in range(3):
            web = deployment.roles["web"]
            wait_for(lambda web=web: _answers(f"{deployment.base}/api/v1/runs", deployment.auth)
                     or web.poll() is not None, 60, "the API")
            if web.poll() is None:
                break
            # Gone: its port was taken between free_port() and gunicorn's bind (CI once saw another test's
            # socket on it: "Address already in use"). Another port, once more.
            web_port = free_port()
            deployment.base = f"http://127.0.0.1:{web_port}"
            start("web", ["web", "--host", "127.0.0.1", "--port", str(web_port)], weaver_env)
        else:
            raise AssertionError(f"weaver web did not start: {deployment.log('web')}")
        yield deployment
    finally:
        for process in reversed(list(deployment.roles.values())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in deployment.roles.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        drop_pg_database(name)
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{namespace}*"))
        if keys:
            client.delete(*keys)


def _answers(url: str, headers: dict[str, str]) -> bool:
    try:
        return requests.get(url, headers=headers, timeout=2).status_code == 200
    except requests.RequestException:
        return False
