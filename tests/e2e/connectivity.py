"""The Procfile deployment less its web process, for ui/e2e/connectivity.spec.ts, which starts, kills and
restarts `weaver web` itself so the workers keep writing events while no web process runs:

    .venv/bin/python -m tests.e2e.connectivity LOG_DIR

starts `weaver exchange` on second bars (a 24/7 market), `weaver worker` (backtest and live) and
`weaver scheduler`, each in its own process group, on a fresh Postgres database and Redis namespace,
prints one JSON line {"token", "web_env"} (the environment `weaver web` needs to join them), then runs until
SIGTERM/SIGINT or until its standard input ends (the spec's process died) and cleans up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import redis
import requests

from tests.conftest import REDIS_URL, create_pg_database, drop_pg_database, pg_url_for
from tests.e2e.deployment import KEY, SECRET, SYMBOLS, free_port
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "e2e-connectivity-token-0123456789"


def environments(database_url: str, namespace: str, exchange_port: int) -> tuple[dict[str, str], dict[str, str]]:
    """The exchange's environment, and the one every Weaver role (web included) shares."""
    common = {"PYTHONPATH": str(ROOT), "WEAVER_LOG_FORMAT": "console", "WEAVER_LOG_LEVEL": "WARNING"}
    exchange = f"http://127.0.0.1:{exchange_port}"
    weaver = {**common, "WEAVER_DATABASE_URL": database_url, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL,
              "WEAVER_API_TOKEN": TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace,
              "WEAVER_ALPACA_PAPER_KEY_ID": KEY, "WEAVER_ALPACA_PAPER_SECRET_KEY": SECRET,
              "WEAVER_ALPACA_PAPER_BASE_URL": exchange, "WEAVER_ALPACA_PAPER_DATA_URL": exchange,
              "WEAVER_ALPACA_PAPER_STREAM_URL": f"ws://127.0.0.1:{exchange_port}/stream",
              "WEAVER_UI_DIST": str(ROOT / "ui" / "dist")}
    return common, weaver


def exchange_up(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/v2/clock", timeout=2,
                            headers={"APCA-API-KEY-ID": KEY, "APCA-API-SECRET-KEY": SECRET}).status_code == 200
    except requests.RequestException:
        return False


def start(role: str, args: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    with (logs / f"{role}.log").open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, env={**os.environ, **env},
                                start_new_session=True, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _until_stdin_ends(stop: threading.Event) -> None:
    while sys.stdin.buffer.read(4096):
        pass
    stop.set()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    logs = Path(argv[0])
    logs.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=_until_stdin_ends, args=(stop,), daemon=True).start()
    name = create_pg_database("weaver_e2e_conn")
    namespace = f"weaver-e2e-conn-{uuid.uuid4().hex[:8]}"
    exchange_port = free_port()
    common, weaver = environments(pg_url_for(name), namespace, exchange_port)
    roles: dict[str, subprocess.Popen[bytes]] = {}
    try:
        subprocess.run([sys.executable, "-m", "app", "db", "upgrade"], cwd=ROOT, env={**os.environ, **weaver},
                       check=True, capture_output=True)
        roles["exchange"] = start("exchange", [
            "exchange", "--port", str(exchange_port), "--bar-seconds", "1", "--hours", "always",
            "--symbols", ",".join(f"{s}={p}" for s, p in SYMBOLS.items()),
            "--account", f"paper:{KEY}:{SECRET}:10000000:short"], common, logs)
        wait_for(lambda: exchange_up(exchange_port), 60, "the exchange")
        for role, args in (("backtest", ["worker", "--queues", "backtest", "--processes", "1", "--threads", "1"]),
                           ("live", ["worker", "--queues", "live", "--processes", "1", "--threads", "1"]),
                           ("scheduler", ["scheduler"])):
            roles[role] = start(role, args, weaver, logs)
        print(json.dumps({"token": TOKEN, "web_env": weaver, "logs": str(logs)}), flush=True)
        while not stop.wait(1):
            died = [role for role, process in roles.items() if process.poll() is not None]
            if died:
                print(f"a deployment process exited: {died} (see {logs})", file=sys.stderr, flush=True)
                return 1
        return 0
    finally:
        stop_all(list(roles.values()))
        drop_pg_database(name)
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{namespace}*"))
        if keys:
            client.delete(*keys)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
