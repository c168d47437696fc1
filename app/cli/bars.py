"""`weaver bars import|fetch|list|export`: market data in, stored once for every run, and out again as CSV.

On a terminal, import shows three lines on stderr: reading and checking (bytes of the file), the
rows checked, storing (rows), each with its rate and ETA; fetch shows bars downloaded against an estimated total.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import click

from app.bootstrap import bootstrap
from app.cli.common import fail, settings_or_exit
from app.cli.progress import Tracker, progress_bar
from app.marvin.instruments import ASSET_CLASSES
from app.services.bars import BarService, ImportRejected, ImportResult
from app.services.errors import ValidationFailed
from app.walle import migrate
from app.walle.models.bars import ADJUSTMENTS
from app.walle.repositories import BarRepository


@click.group()
def bars() -> None:
    """Import, download and list stored bars."""


def _container():  # type: ignore[no-untyped-def]
    settings = settings_or_exit(require_token=False, embedded_fallback=True, needs_broker=False)
    migrate.upgrade(settings.database_url)
    return bootstrap(settings, listen=False)


@bars.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--symbol", required=True, help="ticker, e.g. AAPL")
@click.option("--timeframe", default=None, help="1Sec … 30Sec, 1Min … 1Hour, 1Day (default: the file's own spacing)")
@click.option("--keep-good-rows", is_flag=True, help="store the good rows even if some are bad (default: none)")
@click.option("--asset-class", type=click.Choice(ASSET_CLASSES), default=None,
              help="store the symbol as us_equity, crypto or other (its backtests' price steps and calendar)")
@click.option("--quiet", is_flag=True, help="no progress bar")
def import_(file: Path, symbol: str, timeframe: str | None, keep_good_rows: bool, asset_class: str | None,
            quiet: bool) -> None:
    """Validate FILE (CSV: timestamp/date, open, high, low, close, volume) and store its bars."""
    container = _container()
    started = datetime.now(UTC)
    label = f"{symbol.strip().upper()} {timeframe or ''}".strip()
    try:
        with progress_bar(f"read {label}", file.stat().st_size, unit="bytes", quiet=quiet) as bar:
            storing = _StoreStage(bar, f"store {label}")
            result = BarService(container.uow).import_csv(
                file, symbol, timeframe, keep_good_rows=keep_good_rows, progress=storing.update,
                asset_class=asset_class, on_bytes=bar.update,
                on_checked=lambda rows: bar.stage(f"validate {label}", rows, unit="rows"))
    except ImportRejected as exc:
        click.echo(f"rejected {file}: {exc.error_count} bad row(s); nothing was stored", err=True)
        for error in exc.errors[:50]:
            click.echo(f"  line {error.line}: {error.reason}", err=True)
        if exc.error_count > 50:
            click.echo(f"  … and {exc.error_count - 50} more", err=True)
        container.close()
        raise SystemExit(1) from None
    except ValidationFailed as exc:
        container.close()
        fail(exc.message, 2)
    container.close()
    seconds = max((datetime.now(UTC) - started).total_seconds(), 1e-9)
    read = result.rows + result.error_count  # (`rows`: the good ones; trial 14 read "4 rows read" of 5)
    bad = f", {result.error_count:,} bad row{'s' * (result.error_count != 1)} skipped" if result.error_count else ""
    click.echo(f"{result.symbol} {result.timeframe}: {read:,} rows read, {result.inserted:,} stored, "
               f"{result.skipped:,} already present{bad} ({read / seconds:,.0f} rows/s)")
    if result.conflicts.count:
        click.echo(f"warning: {conflict_summary(result)}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


def conflict_summary(result: ImportResult) -> str:
    """Already-present rows whose prices differ: stored bars never change, so the user hears the file
    disagrees, with the first difference."""
    first = result.conflicts.examples[0]
    return (f"{result.conflicts.count:,} of the {result.skipped:,} rows already present differ from the stored "
            f"bars, which were kept: first {first.ts:%Y-%m-%dT%H:%M:%SZ} {first.column} {first.stored} stored, "
            f"{first.given} in the file")


class _StoreStage:
    """Turns the service's (rows stored, rows) reports into the bar's last stage."""

    def __init__(self, bar: Tracker, description: str):
        self.bar, self.description, self.started = bar, description, False

    def update(self, done: int, total: int) -> None:
        if not self.started:
            self.bar.stage(self.description, total, unit="rows")
            self.started = True
        self.bar.update(done, total)


# Trial 38: the Data page showed the local exchange's bars beside Alpaca's with no word that they are simulated.
LOCAL_EXCHANGE_BARS = "SIMULATED bars of the local exchange (the standalone's market), not real market prices"


@bars.command("fetch")
@click.option("--symbol", "symbols", multiple=True, required=True, help="repeat for several symbols")
@click.option("--timeframe", default="1Day", show_default=True)
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="UTC")
@click.option("--end", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="UTC (default: now)")
@click.option("--account", type=click.Choice(["paper", "live"]), default="paper", show_default=True,
              help="whose Alpaca data keys to use")
@click.option("--adjustment", type=click.Choice(ADJUSTMENTS), default="split", show_default=True,
              help="prices adjusted for splits (split), splits and dividends (all), or as traded (raw)")
@click.option("--quiet", is_flag=True)
def fetch(symbols: tuple[str, ...], timeframe: str, start: datetime, end: datetime | None, account: str,
          adjustment: str, quiet: bool) -> None:
    """Download bars from Alpaca (resumes after the last stored bar of each series)."""
    from app.config import DEFAULT_DATA_URL
    from app.services.fetch import BarFetcher
    from app.veda.alpaca import AlpacaBroker

    container = _container()
    credentials = container.settings.alpaca(account)  # type: ignore[arg-type]
    if credentials is None:
        container.close()
        fail(f"no {account} Alpaca keys: set WEAVER_ALPACA_{account.upper()}_KEY_ID and _SECRET_KEY (or, on a "
             "standalone's folder, fetch while `weaver standalone` runs: its local exchange serves the bars)", 2)
    broker = AlpacaBroker(credentials)
    # A data source other than Alpaca's own (the standalone's local exchange) serves second bars too, and its
    # bars are listed as its own, not as Alpaca's.
    alpaca = credentials.data_url.rstrip("/") == DEFAULT_DATA_URL
    source = "alpaca" if alpaca else f"exchange {urlsplit(credentials.data_url).netloc or credentials.data_url}"
    fetcher = BarFetcher(container.uow, broker.data_page, seconds=not alpaca, source=source,
                         description=None if alpaca else LOCAL_EXCHANGE_BARS)
    try:
        for symbol in symbols:
            # The total is estimated from the part of the window covered so far (see BarFetcher.fetch).
            with progress_bar(f"fetch {symbol.upper()} {timeframe}", None, unit="bars", quiet=quiet,
                              estimated=True) as bar:
                result = fetcher.fetch(symbol, timeframe, start.replace(tzinfo=UTC),
                                       end.replace(tzinfo=UTC) if end else None, progress=bar.update,
                                       adjustment=adjustment)
            adjusted = "a pair's bars are not adjusted" if "/" in result.symbol else f"adjustment: {result.adjustment}"
            click.echo(f"{result.symbol} {result.timeframe}: {result.fetched:,} bars downloaded, "
                       f"{result.inserted:,} new ({adjusted})")
            if not result.fetched and result.start is not None:  # trial 35: ZZZZ said "0 bars" and nothing more
                click.echo(f"note: no {result.timeframe} bars of {result.symbol} after {result.start:%Y-%m-%d %H:%M}Z: "
                           "is it a symbol the data source lists, and was its market open then?", err=True)
    except ValidationFailed as exc:
        fail(exc.message, 2)
    finally:
        container.close()


@bars.command("list")
def list_() -> None:
    """Stored series: symbol, timeframe, range, count, source and price adjustment."""
    container = _container()
    with container.read_session() as session:
        found = BarRepository(session).series()
    container.close()
    if not found:
        click.echo("no bars stored yet: `weaver bars import FILE.csv --symbol X` or `weaver bars fetch`")
        return
    for s in found:
        first = f"{s.first_ts:%Y-%m-%d %H:%MZ}" if s.first_ts else "-"  # Z: UTC, as every stamp the CLI reads
        last = f"{s.last_ts:%Y-%m-%d %H:%MZ}" if s.last_ts else "-"
        unit = "bar " if s.count == 1 else "bars"
        # A pair's bars are never adjusted, whatever the download asked for (trial 37: "adjustment split").
        adjusted = "not adjusted" if "/" in s.symbol else f"adjustment {s.adjustment}"
        click.echo(f"{s.symbol:<8} {s.timeframe:<6} {first} → {last}  {s.count:>10,} {unit}  {s.source}, {adjusted}")


@bars.command("export")
@click.option("--symbol", required=True)
@click.option("--timeframe", required=True, help="e.g. 1Day, 1Min")
@click.option("--start", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="UTC (default: the first bar)")
@click.option("--end", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), help="UTC (default: the last bar)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
def export(symbol: str, timeframe: str, start: datetime | None, end: datetime | None, out: Path | None) -> None:
    """Write stored bars as CSV (timestamp,open,high,low,close,volume; UTC), as `bars import` and
    `backtest --data` read them back, and pandas with index_col=0."""
    from app.cli.bars_export import write_csv
    from app.cli.outputs import check_file_target

    if out is not None:
        check_file_target(out, "--out")
    symbol = symbol.strip().upper()
    container = _container()
    with container.read_session() as session:
        repository = BarRepository(session)
        found = repository.load(symbol, timeframe, start and start.replace(tzinfo=UTC), end and end.replace(tzinfo=UTC))
        stored = sorted(s.timeframe for s in repository.series() if s.symbol == symbol) if not len(found) else []
    container.close()
    if not len(found):
        held = f"stored timeframes: {', '.join(stored)}" if stored else "nothing stored for it (`weaver bars list`)"
        fail(f"{symbol} {timeframe}: no stored bars{' in that window' if stored and timeframe in stored else ''} "
             f"({held})", 2)
    if out is None:
        write_csv(found, click.get_text_stream("stdout"))
        return
    with out.open("w", newline="") as target:
        rows = write_csv(found, target)
    click.echo(f"{rows:,} {symbol} {timeframe} bars written to {out}", err=True)
