"""Whether anything will run queued backtests, as a waiting CLI command can tell from outside: the
workers' Redis heartbeats (workers/heartbeat.py; the scheduler beats there too, and it is the one that
hands queued work to them), or, on the embedded SQLite database, a live `weaver standalone` holding
its data directory (app/standalone/lock.py), whose in-process workers beat only in its own memory."""

from __future__ import annotations

import os
from pathlib import Path

from app.cli.common import configured
from app.standalone.home import standalone_running

START_WORKERS = ("start `weaver worker` and `weaver scheduler` (which hands them the work) on this database, "
                 "or use `weaver standalone`")


def idle_reason(database_url: str) -> str | None:
    """Why no backtest worker will pick the work up, or None when one (or a standalone) is alive or it
    cannot be told (Redis unreachable)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and standalone_running(Path(url.database).parent):
        return None
    broker, redis_url = (configured("WEAVER_BROKER") or "redis").lower(), configured("WEAVER_REDIS_URL")
    if broker != "redis" or not redis_url:
        if url.get_backend_name() == "sqlite":
            folder = Path(url.database or "data").parent
            return f"no backtest worker is running: start `weaver standalone --data-dir {folder}` to run it"
        return f"no backtest worker can reach this database (no Redis broker is configured): {START_WORKERS}"
    return _heartbeats_say(redis_url)


def _heartbeats_say(redis_url: str) -> str | None:
    import redis

    from workers.heartbeat import SCHEDULER, TTL_SECONDS, WORKER, RedisHeartbeats

    try:
        beats = RedisHeartbeats(redis_url, os.environ.get("WEAVER_QUEUE_NAMESPACE", "weaver")).beats()
    except redis.RedisError:
        return None
    if not any(b.role == WORKER and "backtest" in b.queues for b in beats):
        return f"no backtest worker is running (none has sent a heartbeat in the last {TTL_SECONDS} s): {START_WORKERS}"
    if not any(b.role == SCHEDULER for b in beats):
        return "backtest workers are alive but no scheduler is: start `weaver scheduler`, which hands them the work"
    return None
