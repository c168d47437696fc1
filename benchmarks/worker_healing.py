"""Worker healing: how long a backtest waits when the worker process running it is SIGKILLed.

Starts `weaver worker --queues backtest --processes 2 --threads 1` on real Redis and a fresh
database, posts one slow backtest (tests.fixtures.strategies:Slow, `--bars` bars of `--pause` s),
SIGKILLs the one worker process holding its message once it is `--kill-at` done, and prints, from
the kill: when the replacement process was ready, when the run was taken over (running again),
when it completed, and the run's status history (one `completed`). Settings are the defaults
(heartbeat timeout 15 s, maintenance chance 1 %, stale after 30 s) unless `--fast`.

Usage: .venv/bin/python -m benchmarks.worker_healing [--bars 3000] [--pause 0.005] [--fast]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import redis

from app.bootstrap import build_services
from app.config import load_settings
from app.glados.app import create_app
from app.greta.data import synthetic_bars
from benchmarks.common import scratch_postgres

TOKEN = "benchmark-token-0123456789"
REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"worker process (\d+) ready for action: .* broker id (\S+)")
FAST = {"WEAVER_WORKER_HEARTBEAT_TIMEOUT_MS": "3000", "WEAVER_QUEUE_MAINTENANCE_CHANCE": "1000000",
        "WEAVER_BACKTEST_STALE_SECONDS": "3"}


def ready(log: Path) -> dict[int, str]:
    return {int(pid): broker for pid, broker in READY.findall(log.read_text(errors="replace"))}


def holder(client: redis.Redis, namespace: str, run_id: str, brokers: dict[int, str]) -> int | None:
    for pid, broker_id in brokers.items():
        for message_id in client.smembers(f"{namespace}:__acks__.{broker_id}.backtest"):
            data = client.hget(f"{namespace}:backtest.msgs", message_id)
            if data is not None and json.loads(data)["args"][0].get("run_id") == run_id:
                return pid
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bars", type=int, default=3000)
    parser.add_argument("--pause", type=float, default=0.005)
    parser.add_argument("--kill-at", type=float, default=0.2)
    parser.add_argument("--fast", action="store_true", help="the tests' short heartbeat settings")
    args = parser.parse_args()
    namespace = f"weaver-bench-{uuid.uuid4().hex[:8]}"
    os.environ["WEAVER_STRATEGY_PATHS"] = "tests.fixtures"
    with scratch_postgres() as url:
        settings = load_settings(_env_file=None, database_url=url, broker="redis", redis_url=REDIS_URL,
                                 api_token=TOKEN)
        services = build_services(settings, namespace=namespace)
        frame = synthetic_bars("SYN", args.bars, seed=3, timeframe="1Min")
        services.bars.store_arrays("SYN", "1Min", np.asarray(frame.ts), {
            name: [f"{v:.2f}" for v in getattr(frame, name).tolist()] for name in ("open", "high", "low", "close")
        } | {"volume": [str(int(v)) for v in frame.volume.tolist()]}, source="synthetic")
        services.relay.start()
        app = create_app({"SETTINGS": settings, "SERVICES": services})
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
        env = {**os.environ, "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "redis", "WEAVER_REDIS_URL": REDIS_URL,
               "WEAVER_API_TOKEN": TOKEN, "WEAVER_QUEUE_NAMESPACE": namespace, "WEAVER_LOG_FORMAT": "console",
               **(FAST if args.fast else {})}
        log = Path(tempfile.mkstemp(prefix="weaver-healing-", suffix=".log")[1])
        with log.open("wb") as sink:
            workers = subprocess.Popen([str(Path(sys.executable).parent / "weaver"), "worker", "--queues", "backtest",
                                        "--processes", "2", "--threads", "1"], cwd=ROOT, env=env, stdout=sink,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        client = redis.Redis.from_url(REDIS_URL)
        try:
            while len(ready(log)) < 2:
                time.sleep(0.1)
            run = api.post("/api/v1/runs", json={
                "strategy": "tests.fixtures.strategies:Slow", "params": {"pause": args.pause}, "symbols": ["SYN"],
                "timeframe": "1Min", "cash": "100000", "start_now": True}).get_json()
            detail = lambda: api.get(f"/api/v1/runs/{run['id']}").get_json()  # noqa: E731
            while detail()["progress"] < args.kill_at:
                time.sleep(0.05)
            before = ready(log)
            victim = holder(client, namespace, run["id"], before)
            assert victim is not None, "no worker process holds the run's message"
            killed = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            marks: dict[str, float] = {}
            statuses: list[str] = []
            while "completed" not in marks:
                now = time.monotonic() - killed
                if "replacement ready" not in marks and set(ready(log)) - set(before):
                    marks["replacement ready"] = now
                statuses = [e["payload"]["status"] for e in api.get(f"/api/v1/runs/{run['id']}/events").get_json()
                            if e["type"].startswith("run.")]
                if "taken over" not in marks and statuses.count("running") >= 2:
                    marks["taken over"] = now
                if detail()["status"] == "completed":
                    marks["completed"] = now
                if now > 600:
                    raise RuntimeError(f"not completed 600 s after the kill: {statuses}")
                time.sleep(0.1)
            supervisor_up = workers.poll() is None
        finally:
            os.killpg(workers.pid, signal.SIGTERM)
            workers.wait(60)
            app.extensions["weaver"].broadcaster.stop()
            services.close()
            keys = client.keys(f"{namespace}*")
            if keys:
                client.delete(*keys)
    one_run = args.bars * args.pause
    print(f"settings: {'fast (tests)' if args.fast else 'defaults'}; run of {args.bars} bars x {args.pause} s "
          f"(~{one_run:.0f} s undisturbed), killed at {args.kill_at:.0%}")
    for name, seconds in marks.items():
        print(f"  kill -> {name:<17} {seconds:6.1f} s")
    print(f"  supervisor still up: {supervisor_up}; statuses: {' > '.join(statuses)}")


if __name__ == "__main__":
    main()
