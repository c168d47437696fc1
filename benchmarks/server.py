"""Start `weaver web` (gunicorn) against a benchmark database, and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web(database_url: str, port: int, token: str, workers: int = 2, threads: int = 64,
              **env: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "WEAVER_DATABASE_URL": database_url, "WEAVER_API_TOKEN": token,
                   "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": "redis://127.0.0.1:6379/0",
                   "WEAVER_LOG_LEVEL": "WARNING", **env}
    process = subprocess.Popen([str(BIN / "weaver"), "web", "--port", str(port), "--host", "127.0.0.1",
                                "--workers", str(workers), "--threads", str(threads)], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return wait_healthy(process, port, "weaver web")


def wait_healthy(process: subprocess.Popen[bytes], port: int, what: str) -> subprocess.Popen[bytes]:
    """The process once its /healthz on `port` answers; killed, and an error, after 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{what} did not start")
