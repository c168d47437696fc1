"""`weaver web` and `weaver worker` log structured lines only: gunicorn's boot and access lines and the
worker supervisor's lines go through app.logs, JSON when stderr is not a terminal; the access line
carries the correlation id the response returned."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from tests.conftest import REDIS_URL, TEST_TOKEN
from tests.integration.conftest import ROOT
from tests.waiting import wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen([sys.executable, "-c", "from app.cli import main; main()", *args], cwd=ROOT,
                                env=env, stdout=subprocess.DEVNULL, stderr=sink)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every line, parsed: a line that is not JSON fails the test with the line in the message."""
    parsed = []
    for line in log.read_text().splitlines():
        if line.strip():
            try:
                parsed.append(json.loads(line))
            except json.JSONDecodeError:
                raise AssertionError(f"not a JSON log line: {line!r}") from None
    return parsed


def get(url: str) -> Any:
    """The response (an error status too), or None while the server is not listening yet."""
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Bearer {TEST_TOKEN}"}),
                                      timeout=5)
    except urllib.error.HTTPError as error:
        return error
    except OSError:
        return None


def test_web_logs_json_lines_and_the_access_line_carries_the_response_correlation_id(cli_env, tmp_path):
    port, log = free_port(), tmp_path / "web.log"
    env = {**cli_env, "WEAVER_API_TOKEN": TEST_TOKEN, "WEAVER_LOG_FORMAT": "auto"}
    process = start(["web", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--threads", "4"], env, log)
    try:
        response = wait_for(lambda: get(f"http://127.0.0.1:{port}/api/v1/runs"), 60, "gunicorn")
        assert response.status == 200
        correlation = response.headers["X-Correlation-ID"]
        assert correlation
        probe = get(f"http://127.0.0.1:{port}/healthz?token=secret-in-query")  # SSE clients send the token so
        wait_for(lambda: probe.headers["X-Correlation-ID"] in log.read_text(), 10, "the access lines")
    finally:
        stop(process)
    lines = json_lines(log)
    (access,) = [line for line in lines if line.get("correlation_id") == correlation]
    assert (access["logger"], access["method"], access["path"], access["status"]) == (
        "gunicorn.access", "GET", "/api/v1/runs", 200)
    assert access["duration_ms"] >= 0
    assert "secret-in-query" not in log.read_text()
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)


def test_worker_parent_and_children_log_json_lines(cli_env, tmp_path):
    log = tmp_path / "worker.log"
    env = {**cli_env, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL, "WEAVER_LOG_FORMAT": "auto",
           "WEAVER_QUEUE_NAMESPACE": f"weaver-logs-{uuid.uuid4().hex[:8]}"}
    process = start(["worker", "--queues", "backtest", "--processes", "1", "--threads", "1"], env, log)
    try:
        wait_for(lambda: "ready for action" in log.read_text(), 60, "the worker process")
    finally:
        stop(process)
    lines = json_lines(log)
    assert any(line["logger"] == "workers.supervisor" and "started" in line["message"] for line in lines)
    assert any(line["logger"] == "workers.process" and "ready for action" in line["message"] for line in lines)
    assert any(line["logger"].startswith("dramatiq.") for line in lines)  # Dramatiq's own lines, in JSON too
    assert os.path.getsize(log) > 0
