"""Real Dramatiq on real Redis: a broker per test (its own namespace), the command relay as a thread
(the scheduler's job), workers as threads of this process or as separate `dramatiq` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dramatiq
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from app.bootstrap import Container, Services, build_services
from app.glados.app import create_app
from tests.conftest import TEST_TOKEN
from tests.waiting import wait_for  # noqa: F401 - the workers tests import it from here
from workers import runtime as worker_runtime
from workers.bus import DramatiqQueue
from workers.queues import consumed

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Stack:
    namespace: str
    services: Services
    queue: DramatiqQueue
    app: Flask
    client: FlaskClient

    @property
    def broker(self) -> dramatiq.Broker:
        return self.queue.broker


def open_stack(container: Container, redis_url: str) -> Iterator[Stack]:
    """The API and the relay on `container`, in a Redis namespace of their own, removed afterwards."""
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    services = build_services(container.settings, container=container, namespace=namespace)
    services.relay.start()
    app = create_app({"SETTINGS": container.settings, "SERVICES": services})
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TEST_TOKEN}"
    yield Stack(namespace, services, services.queue, app, client)
    app.extensions["weaver"].broadcaster.stop()
    services.close()
    keys = redis.Redis.from_url(redis_url).keys(f"{namespace}*")
    if keys:
        redis.Redis.from_url(redis_url).delete(*keys)


@pytest.fixture
def stack(pg: Container, redis_url: str) -> Iterator[Stack]:
    yield from open_stack(pg, redis_url)


@pytest.fixture
def thread_workers(stack: Stack, pg: Container) -> Iterator[dramatiq.Worker]:
    """Workers as threads of this process, running the same actors against the test database."""
    worker_runtime.install(worker_runtime.build_runtime(pg.settings, container=pg))
    worker = dramatiq.Worker(stack.broker, queues=consumed(["backtest"]), worker_threads=2, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop(timeout=10_000)
    worker_runtime.install(None)


@dataclass
class WorkerProcesses:
    """`dramatiq workers.entry` as a real process group; its log goes to a file for post-mortems."""

    process: subprocess.Popen[bytes]
    log_path: Path
    log_file: Any

    def kill(self) -> None:
        """SIGKILL the whole group: the workers vanish without a goodbye."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log_file.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def spawn_workers(pg: Container, stack: Stack, processes: int, queues: str = "backtest",
                  extra_env: dict[str, str] | None = None, *, weaver: bool = False) -> WorkerProcesses:
    """Worker processes configured only through WEAVER_* variables, like the Procfile starts them:
    Dramatiq's command line, or with `weaver=True` the Procfile's own `weaver worker` (a supervisor
    whose children are the worker processes)."""
    env = {**os.environ, "WEAVER_DATABASE_URL": pg.settings.database_url, "WEAVER_BROKER": "redis",
           "WEAVER_REDIS_URL": pg.settings.redis_url or "", "WEAVER_API_TOKEN": TEST_TOKEN,
           "WEAVER_QUEUE_NAMESPACE": stack.namespace, "WEAVER_LOG_FORMAT": "console", "PYTHONPATH": str(ROOT),
           **(extra_env or {})}
    log_path = Path(tempfile.mkstemp(prefix="weaver-workers-", suffix=".log")[1])
    log_file = log_path.open("wb")
    command = ([sys.executable, "-c", "from app.cli import main; main()", "worker"] if weaver
               else [sys.executable, "-m", "dramatiq", "workers.entry"])
    # `weaver worker` takes our queue names; Dramatiq's own command line the queues behind them
    names = [queues] if weaver else sorted(consumed(queues.split(",")))
    process = subprocess.Popen(
        [*command, "--processes", str(processes), "--threads", "1", "--queues", *names],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )
    return WorkerProcesses(process, log_path, log_file)


