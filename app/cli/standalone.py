"""`weaver standalone`: all of Weaver in one process, for a laptop or a small server."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

import click

from app.logs import configure_logging


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("data"), show_default=True,
              help="where the database, token and exchange state live")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="0 picks a free port")
@click.option("--no-exchange", is_flag=True, help="do not start the local Alpaca-compatible exchange")
@click.option("--backtest-threads", default=1, show_default=True, type=click.IntRange(1, 16),
              help="backtests at once; they share this one process (and its GIL) with paper trading, so a second "
                   "adds no speed and makes live ticks wait")
@click.option("--exchange-bar-seconds", default=60, show_default=True, type=click.IntRange(1, 60),
              help="the local exchange's shortest bar; 1 allows paper runs on second bars (1Sec)")
@click.option("--exchange-fills", type=click.Choice(["realistic", "ideal"]), default="realistic", show_default=True,
              help="how the local exchange fills orders: with latency, the spread and a share of each bar's "
                   "volume, or in full at once at the last trade")
@click.option("--strategy-path", "strategy_paths", multiple=True, metavar="PACKAGE_OR_FOLDER",
              help="where your strategies are: a package name or a folder of .py files (repeatable; "
                   "adds to WEAVER_STRATEGY_PATHS; remembered: the next start on the folder without it uses them)")
def standalone(data_dir: Path, host: str, port: int, no_exchange: bool, backtest_threads: int,
               exchange_bar_seconds: int, exchange_fills: str, strategy_paths: tuple[str, ...]) -> None:
    """Start Weaver on a SQLite file with in-process workers, the scheduler, the local exchange
    (offline paper trading) and the UI. Ctrl-C stops it; the next start keeps every run."""
    from app.standalone.embedded import Embedded
    from app.standalone.home import Home
    from app.standalone.lock import DataDirInUse, claim

    try:
        lock = claim(data_dir)  # held until this process ends
    except DataDirInUse as exc:
        raise click.ClickException(str(exc)) from exc
    configure_logging("INFO", "console")
    embedded = Embedded(Home(data_dir), host=host, port=port, exchange_enabled=not no_exchange,
                        backtest_threads=backtest_threads, exchange_bar_seconds=exchange_bar_seconds,
                        exchange_fills=exchange_fills, strategy_paths=strategy_paths)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        url = embedded.start()
    except OSError as exc:
        embedded.stop()
        raise click.ClickException(f"could not start: {exc} (is port {port} in use? try --port 0)") from exc
    if embedded.first_start:
        click.echo("First start: created the database and loaded SYNTHETIC demo bars "
                   "(AAPL, MSFT, SPY, NVDA, TSLA; daily and one-minute).")
    if not no_exchange:
        click.echo("Local exchange (offline paper trading): a 24/7 demo market, trading every day around the "
                   "clock rather than NYSE sessions.")
    click.echo(f"Weaver is running (data in {data_dir.resolve()}). Open:\n\n    {url}\n\nPress Ctrl-C to stop.",
               nl=True)
    stop.wait()
    click.echo("Stopping…")
    embedded.stop()
    lock.close()
    click.echo("Stopped.")
    # Everything is stopped and closed (the database, the data directory's lock). The interpreter's own
    # teardown, collecting and freeing every cached bar and result one by one, kept the process 1-3 s past
    # "Stopped." (a process manager's stop timeout counts them); the memory goes with the process anyway.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
