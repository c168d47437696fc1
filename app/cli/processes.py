"""Entry points of the production processes (one Procfile line and one compose service each)."""

from __future__ import annotations

import os
import sys

import click

from app.cli.common import settings_or_exit


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn processes")
@click.option("--threads", default=64, show_default=True, type=int,
              help="threads per process (each open SSE/WebSocket client holds one)")
def web(host: str, port: int, workers: int, threads: int) -> None:
    """GLaDOS under gunicorn with threaded workers: REST API, SSE, WebSocket and the built UI."""
    settings_or_exit()  # fail here, with the variable names, rather than inside every gunicorn worker
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--workers", str(workers),
        "--threads", str(threads), "--bind", f"{host}:{port}", "--timeout", "0", "--graceful-timeout", "20",
        "--access-logfile", "-", "app.glados.wsgi:app",
    ])


@click.command()
@click.option("--queues", "-Q", default="backtest", show_default=True,
              help="comma-separated: backtest, live (live must run in exactly one process with one thread)")
@click.option("--processes", "-p", default=None, type=int, help="worker processes (default: CPU count)")
@click.option("--threads", "-t", default=None, type=int, help="threads per process (default: 1 per CPU)")
def worker(queues: str, processes: int | None, threads: int | None) -> None:
    """A Dramatiq worker on the given queues (Dramatiq's own process manager, restarts included)."""
    settings_or_exit(require_token=False)
    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = set(wanted) - {"backtest", "live"}
    if unknown:
        raise click.BadParameter(f"unknown queue(s): {', '.join(sorted(unknown))}", param_hint="--queues")
    if "live" in wanted and ((processes or 1) != 1 or (threads or 1) != 1):
        raise click.BadParameter("the live queue is owned by exactly one process with one thread")
    if "live" in wanted:
        processes, threads = 1, 1
    args = [sys.executable, "-m", "dramatiq", "workers.entry", "--queues", *wanted]
    args += ["--processes", str(processes or os.cpu_count() or 1), "--threads", str(threads or 1)]
    os.execvp(sys.executable, args)


@click.command()
def scheduler() -> None:
    """APScheduler: bar-aligned ticks for every active paper and live run (enqueues live ticks only)."""
    settings = settings_or_exit(require_token=False)
    from scheduler.main import run_scheduler

    run_scheduler(settings)
