"""Entry points of the production processes (one Procfile line and one compose service each).

Every process logs through app.logs: gunicorn's master, workers and access lines (its logger class
is ours), the worker supervisor (it runs here, with our handler), and the scheduler. The log
format is resolved once here and handed down to child processes.
"""

from __future__ import annotations

import os
import sys

import click

from app.cli.common import settings_or_exit
from app.config import Settings
from app.logs import configure_logging, resolve_format


def _hand_down_logging(settings: Settings) -> str:
    """Resolve `auto` against this process's stderr and export it, so children (gunicorn workers,
    Dramatiq processes whose stderr is a pipe) log in the same format."""
    fmt = resolve_format(settings.log_format)
    os.environ["WEAVER_LOG_FORMAT"] = fmt
    return fmt


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn processes")
@click.option("--connections", default=5000, show_default=True, type=int,
              help="open connections per process (each SSE/WebSocket client holds one, not a thread)")
@click.option("--threads", default=None, type=int, hidden=True, help="ignored: gevent workers have no thread pool")
def web(host: str, port: int, workers: int, connections: int, threads: int | None) -> None:
    """GLaDOS under gunicorn's gevent workers: REST API, SSE, WebSocket and the built UI.

    \f
    DESIGN: every connection is a greenlet, so an idle stream costs a few KB, not one of a bounded
    pool of threads, and cannot starve the API. gunicorn patches the standard library (sockets,
    threading, select) before the app is imported, so the broadcaster, psycopg (it picks its
    gevent-aware wait when `select` is patched), redis-py and Dramatiq's Redis client all yield
    while they wait. The cost: CPU-bound work in a request holds its worker's other requests until
    it is done. Requests get a deadline (WEAVER_REQUEST_TIMEOUT_SECONDS, app/glados/deadline.py);
    gunicorn's own worker timeout stays off so a long CPU-bound request never kills the streams.
    """
    settings = settings_or_exit()  # fail here, with the variable names, rather than inside every gunicorn worker
    _hand_down_logging(settings)
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", str(workers),
        "--worker-connections", str(connections), "--bind", f"{host}:{port}", "--timeout", "0",
        "--graceful-timeout", "20",
        # access lines on, written by our logger class (to stderr, structured), not to stdout
        "--access-logfile", "-", "--logger-class", "app.logs.gunicorn_logger",
        "--log-level", settings.log_level.lower(), "app.glados.wsgi:app",
    ])


@click.command()
@click.option("--queues", "-Q", default="backtest", show_default=True,
              help="comma-separated: backtest, live (live must run in exactly one process with one thread)")
@click.option("--processes", "-p", default=None, type=int, help="worker processes (default: CPU count)")
@click.option("--threads", "-t", default=None, type=int, help="threads per process (default: 1 per CPU)")
def worker(queues: str, processes: int | None, threads: int | None) -> None:
    """Dramatiq worker processes on the given queues; one that dies is replaced (workers/supervisor.py)."""
    settings = settings_or_exit(require_token=False)
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = set(wanted) - {"backtest", "live"}
    if unknown:
        raise click.BadParameter(f"unknown queue(s): {', '.join(sorted(unknown))}", param_hint="--queues")
    if "live" in wanted and ((processes or 1) != 1 or (threads or 1) != 1):
        raise click.BadParameter("the live queue is owned by exactly one process with one thread")
    if "live" in wanted:
        processes, threads = 1, 1
    from workers.supervisor import supervise

    # The supervisor runs in this process and logs through our handler; the worker processes
    # configure theirs when they import workers.entry.
    configure_logging(settings.log_level, _hand_down_logging(settings))
    sys.exit(supervise(wanted, processes or os.cpu_count() or 1, threads or 1))


@click.command()
def scheduler() -> None:
    """APScheduler: bar-aligned ticks for every active paper and live run (enqueues live ticks only)."""
    settings = settings_or_exit(require_token=False)
    from scheduler.main import run_scheduler

    run_scheduler(settings)
