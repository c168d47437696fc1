"""The processes a walk-forward runs on, for end-to-end tests: a fresh Postgres database holding
synthetic one-minute bars, `weaver web`, `weaver scheduler` (its relay hands the outbox's commands to
Redis) and N separate `weaver worker --queues backtest --processes 1`, each its own process group so
that one can be SIGKILLed alone. Failure detection is made fast, through the settings the code reads:
a worker silent for 3 s is dead (WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS) and every queue command may
requeue its messages (WEAVER_QUEUE_MAINTENANCE_CHANCE), and a cell whose heartbeat is 3 s old is
taken over (WEAVER_BACKTEST_STALE_SECONDS); the defaults (15 s, 1 %, 30 s) would outlast the test."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import redis
import requests

from app.bootstrap import build_services
from app.greta.data import synthetic_bars
from app.walle import migrate
from tests.conftest import REDIS_URL, TEST_TOKEN, create_pg_database, drop_pg_database, make_settings, pg_url_for
from tests.e2e.deployment import free_port
from tests.waiting import wait_for
from workers.queues import consumed

ROOT = Path(__file__).resolve().parents[2]
FAST_FAILURE = {"WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS": "3000", "WEAVER_QUEUE_MAINTENANCE_CHANCE": "1000000",
                "WEAVER_BACKTEST_STALE_SECONDS": "3"}
READY = re.compile(r"worker process (\d+) ready for action: .* broker id (\S+)")


def store_minute_bars(database_url: str, symbol: str, bars: int, seed: int = 3) -> None:
    """Synthetic one-minute bars, stored to the cent as an import stores them."""
    services = build_services(make_settings(database_url, broker="memory"), listen=False)
    frame = synthetic_bars(symbol, bars, seed=seed, timeframe="1Min")
    services.bars.store_arrays(symbol, "1Min", np.asarray(frame.ts), {
        name: [f"{v:.2f}" for v in getattr(frame, name).tolist()] for name in ("open", "high", "low", "close")
    } | {"volume": [str(int(v)) for v in frame.volume.tolist()]}, source="synthetic")
    services.close()


@dataclass
class Stack:
    base: str
    database_url: str
    namespace: str
    logs: Path
    env: dict[str, str]
    api: requests.Session
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)  # web, scheduler
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    redis: redis.Redis = field(default_factory=lambda: redis.Redis.from_url(REDIS_URL))

    def spawn(self, role: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{role}.log").open("ab") as log:  # the child keeps its own descriptor
            return subprocess.Popen([sys.executable, "-m", "app", *args], cwd=ROOT, env=self.env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def start_worker(self) -> int:
        """One more `weaver worker` (one process) on the backtest queue; its index, once it is ready."""
        index = len(self.workers)
        self.workers.append(self.spawn(f"worker-{index}", "worker", "--queues", "backtest", "--processes", "1",
                                       "--threads", "1"))
        wait_for(lambda: self.broker_id(index), 60, f"worker {index} to be ready", every=0.2)
        return index

    def broker_id(self, index: int) -> str | None:
        """The Dramatiq broker id of worker `index`'s process (its unacknowledged messages are kept under it)."""
        found = READY.findall((self.logs / f"worker-{index}.log").read_text(errors="replace"))
        return found[-1][1] if found else None

    def held(self, index: int) -> list[str]:
        """The run ids of the messages worker `index` has taken and not acknowledged yet."""
        run_ids: list[str] = []
        for queue in sorted(consumed(["backtest"])):  # single backtests' queue and the cells'
            for message_id in self.redis.smembers(f"{self.namespace}:__acks__.{self.broker_id(index)}.{queue}"):
                data = self.redis.hget(f"{self.namespace}:{queue}.msgs", message_id)
                if data is not None:
                    payload = json.loads(data)["args"][0]["payload"]
                    run_ids += payload.get("run_ids") or [payload[k] for k in ("run_id",) if k in payload]
        return run_ids

    def kill_worker(self, index: int) -> None:
        """SIGKILL worker `index`'s whole process group: it vanishes without acknowledging anything."""
        os.killpg(self.workers[index].pid, signal.SIGKILL)
        self.workers[index].wait(10)

    def queue_idle(self) -> bool:
        """Nothing waiting in the backtest queues (nor delayed), and no worker holding a message."""
        waiting = sum(self.redis.llen(f"{self.namespace}:{queue}") + self.redis.zcard(f"{self.namespace}:{queue}.DQ")
                      for queue in consumed(["backtest"]))
        return waiting == 0 and not any(self.redis.scard(key) for key in self.redis.scan_iter(
            f"{self.namespace}:__acks__.*"))

    def log(self, role: str) -> str:
        return (self.logs / f"{role}.log").read_text(errors="replace")[-3000:]

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.api.post(f"{self.base}/api/v1/{path}", json=body, timeout=30)

    def get(self, path: str) -> dict:
        answer = self.api.get(f"{self.base}/api/v1/{path}", timeout=30)
        answer.raise_for_status()
        return answer.json()


@contextmanager
def walkforward_stack(logs: Path, *, workers: int, symbol: str, bars: int) -> Iterator[Stack]:
    name = create_pg_database("weaver_wf_e2e")
    url = pg_url_for(name)
    namespace = f"weaver-wf-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "redis",
           "WEAVER_REDIS_URL": REDIS_URL, "WEAVER_API_TOKEN": TEST_TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace,
           "WEAVER_LOG_FORMAT": "console", "WEAVER_LOG_LEVEL": "INFO", **FAST_FAILURE}
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {TEST_TOKEN}"
    stack = Stack(f"http://127.0.0.1:{port}", url, namespace, logs, env, api)
    try:
        migrate.upgrade(url)
        store_minute_bars(url, symbol, bars)
        stack.others.append(stack.spawn("web", "web", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"))
        stack.others.append(stack.spawn("scheduler", "scheduler"))
        for _ in range(workers):
            stack.start_worker()
        wait_for(lambda: backtest_workers(stack) >= workers, 60, "the API to see the workers", every=0.3)
        yield stack
    finally:
        for process in stack.others + stack.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in stack.others + stack.workers:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        drop_pg_database(name)
        keys = list(stack.redis.scan_iter(f"{namespace}*"))
        if keys:
            stack.redis.delete(*keys)


def backtest_workers(stack: Stack) -> int:
    """Backtest worker processes with a live heartbeat, as /health counts them (it answers 503 without the
    live worker this stack does not start, the count is in the body all the same)."""
    try:
        return stack.api.get(f"{stack.base}/api/v1/health", timeout=5).json()["workers"].get("backtest", 0)
    except (requests.RequestException, ValueError, KeyError):
        return 0
