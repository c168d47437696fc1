"""`weaver backtest`: run a strategy over CSV or synthetic bars, print the metrics, write the result JSON.

    weaver backtest --strategy sma_cross --param fast=10 --param slow=20 --data GOOG.csv --cash 10000 \\
        --fees alpaca --slippage 5bp --json out.json --check-lookahead=500
    weaver backtest ... --out result.parquet            # or --out DIR --format parquet; --out r.json

A thin entry point: it parses and validates, then calls Greta. With a database configured
(WEAVER_DATABASE_URL in the environment or in `.env`, read by the settings like every other command)
it also stores the run (as a completed backtest, visible in the API and UI). The progress bar (bars/s
and ETA) goes to stderr, on a terminal only; stdout carries the table or the summary line.
"""

from __future__ import annotations

import os
import secrets
import sys
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from app.cli.cash_option import checked_cash
from app.cli.common import InputProblem, command_line_strategy, configured, holds_weaver, if_database_fails
from app.cli.grid_option import parse_params
from app.cli.metric_text import metric_rows, pct
from app.cli.outputs import check_file_target, check_folder_target, check_suffix, wrote_file, wrote_folder
from app.cli.progress import progress_bar
from app.cli.window import in_window, window_options
from app.clock.timeframes import TimeframeError
from app.greta.data import load_csv, parse_synthetic
from app.greta.data.adjusted_close import adjusted_close_note
from app.greta.data.csvfile import median_gap
from app.greta.data.spacing import gap_warning, spacing_warning
from app.greta.data.splits import split_warnings
from app.greta.engine import BacktestConfig, run_backtest
from app.greta.equity import DEFAULT_CASH, MoneyRangeError
from app.greta.lookahead import DEFAULT_BUDGET, LookaheadReport, check_lookahead
from app.greta.metrics import unavailable
from app.greta.records import BacktestResult, rejection_summary, working_summary
from app.greta.serialize import plain, write_result_json
from app.greta.specs import FeeSpec, FeeSpecError, SlippageSpec, SlippageSpecError
from app.greta.strategy_failure import StrategyFailed
from app.marvin import BarFrame, DataError, ParamError, StrategyError, StrategyLoadError
from app.marvin.instruments import ASSET_CLASSES
from app.marvin.orders import OrderError
from app.marvin.shorting import crypto_short_refused, shorting_refused, shorting_unused

OUT_FORMATS = ("json", "parquet")
USER_ERRORS = (ParamError, DataError, StrategyLoadError, FeeSpecError, SlippageSpecError, TimeframeError, OrderError,
               StrategyError, StrategyFailed, MoneyRangeError)


asset_class_option = click.option(  # backtest and sweep alike
    "--asset-class", type=click.Choice(ASSET_CLASSES), default=None,
    help="us_equity: Alpaca's price increments and the exchange session; crypto: 1e-9 steps, 24/7; "
         "other: the data's own precision, years as the data holds them. Default: for stored bars, the class "
         "their symbols' stored instruments share (as the UI's forms pre-fill it); else other.")


_told: list[str] = []  # this command's warnings and notes, as printed (from _prepare on): the result's "notes" too


def tell(line: str) -> None:
    """Print a warning or note (stderr) and keep it for the result file, which a script reads without the
    terminal (trial 29: the JSON said `"warnings": []` after the command had printed three)."""
    _told.append(line)
    click.echo(line, err=True)


def database_configured() -> bool:
    """Whether results should also go to the database: WEAVER_DATABASE_URL as the settings read it,
    from the environment or `.env`, or a WEAVER_DATA_DIR that holds a standalone's database (the one its
    stored bars are read from: trial 13 reproduced a fold's run from them and found it nowhere in the UI).
    A malformed value counts as configured, so that `store_result` reports it instead of the run silently
    not being stored. Without the variable the settings are not loaded at all (pydantic-settings costs a
    fifth of a second of a CSV backtest's start)."""
    if "WEAVER_DATABASE_URL" not in os.environ and configured("WEAVER_DATABASE_URL") is None:
        return _standalone_database_in(configured("WEAVER_DATA_DIR"))
    from app.config import SettingsError, load_settings

    try:
        load_settings(broker="memory", api_token=secrets.token_urlsafe(24))
    except SettingsError as exc:
        if exc.problems.get("WEAVER_DATABASE_URL") != "missing":
            return True
        return _standalone_database_in(configured("WEAVER_DATA_DIR"))
    return True


def _steps(frames: list[BarFrame]) -> int:
    """The bars on the run's clock: the union of the frames' stamps (each frame's are sorted and distinct)."""
    if len(frames) == 1:
        return len(frames[0].ts)
    return len(np.unique(np.concatenate([frame.ts for frame in frames]))) if frames else 0


def _standalone_database_in(data_dir: str | None) -> bool:
    return data_dir is not None and holds_weaver(Path(data_dir) / "weaver.db")


def store_result(result: BacktestResult, run_id: str, bars_from: dict[str, str] | None = None) -> str:
    """Persist a finished run (run row, lifecycle events, orders, fills, trades, equity, metrics) in one
    transaction, so it shows in the API and the UI beside the runs the workers made. `bars_from`: the
    symbols whose bars came from a file or were synthetic (not stored), and from where."""
    from app.bootstrap import build_services
    from app.cli.common import settings_or_exit
    from app.services.results import record_backtest
    from app.walle import migrate

    settings = settings_or_exit(require_token=False, needs_broker=False, embedded_fallback=True)
    migrate.upgrade(settings.database_url)
    services = build_services(settings, listen=False)
    try:
        with services.uow() as uow:
            record_backtest(uow, run_id, result, bars_from=bars_from)
            uow.commit()
    finally:
        services.close()
    return run_id


@click.command()
@click.option("--strategy", "strategy_name", required=True, help="Built-in name (sma_cross) or package.module:Class.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Strategy parameter (repeatable).")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of bars (Yahoo Date,Open,... or timestamp,open,...); repeat for more symbols.")
@click.option("--symbol", "symbols", multiple=True,
              help="Symbol of each --data file, in order (default: file name); a --symbol past the files backtests "
                   "its bars stored in Weaver's database (standalone's demo bars, imported or fetched; give "
                   "--timeframe).")
@click.option("--synthetic", "synthetic", multiple=True, metavar="SYMBOL:BARS[:SEED]",
              help="Synthetic GBM bars instead of (or besides) files.")
@click.option("--timeframe", default=None, help="Bar timeframe, e.g. 1Day, 1Min (default: from the data).")
@click.option("--cash", default=str(DEFAULT_CASH), show_default=True, help="Starting cash (as the API's runs).")
@click.option("--fees", default="none", show_default=True, help="none | alpaca | per_share:<rate> | percent:<pct>")
@click.option("--slippage", default="none", show_default=True, help="none | <n>bp | range:<fraction>")
@click.option("--fractional", is_flag=True, help="Allow fractional shares.")
@click.option("--allow-short", is_flag=True, help="Allow short selling.")
@asset_class_option
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the full result.")
@click.option("--parquet", "parquet_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write the full result as Parquet files in this folder (orders, fills, trades, equity; "
                   "result.json for the rest), for results too large to read as JSON.")
@click.option("--out", "out_path", type=click.Path(path_type=Path),
              help="Write the full result here, as --format says (a .json file or a .parquet folder).")
@click.option("--format", "out_format", type=click.Choice(OUT_FORMATS), default=None,
              help="Format of --out: json (one document) or parquet (a folder of files, for results too large to "
                   "read as JSON). Default: from the suffix of --out (.json or .parquet).")
@click.option("--check-lookahead", "lookahead", type=click.IntRange(min=1), is_flag=False, flag_value=DEFAULT_BUDGET,
              default=None, metavar="[N]", help="Re-run on data truncated at up to N bars with orders (and N/4 "
              f"without) to detect lookahead bias; alone, N={DEFAULT_BUDGET}. Each re-run is a backtest of the "
              "bars up to its cut, so the check costs up to N×1.25 backtests: on a large file, minutes (a smaller N "
              "checks fewer bars, faster).")
@window_options
@click.option("--warmup", type=click.IntRange(min=0), default=0, show_default=True, metavar="BARS",
              help="Leading bars that only feed the indicators: no trading on them, and the result starts after "
                   "them (as a walk-forward's out-of-sample run).")
@click.option("--close-at-end", is_flag=True, help="Close what is held at the last bar's close (with fees and "
                                                     "slippage), so the run ends flat.")
@click.option("--quiet", is_flag=True, help="No progress bar and no table; one summary line.")
def backtest(strategy_name: str, params: tuple[str, ...], data_files: tuple[Path, ...], symbols: tuple[str, ...],
             synthetic: tuple[str, ...], timeframe: str | None, cash: str, fees: str, slippage: str, fractional: bool,
             allow_short: bool, asset_class: str | None, json_path: Path | None, parquet_dir: Path | None,
             out_path: Path | None, out_format: str | None, lookahead: int | None, start: str | None,
             end: str | None, warmup: int, close_at_end: bool, quiet: bool) -> None:
    """Backtest a strategy on historical or synthetic bars."""
    console = Console(emoji=False)
    json_paths, parquet_dirs = [p for p in (json_path,) if p], [p for p in (parquet_dir,) if p]
    if out_path is not None:
        (json_paths if _out_format(out_path, out_format) == "json" else parquet_dirs).append(out_path)
    elif out_format is not None:
        raise click.UsageError("--format says how to write --out: give --out PATH too")
    for path in json_paths:
        check_file_target(path, "--out" if path is out_path else "--json")
    for path in parquet_dirs:
        check_folder_target(path, "--out" if path is out_path else "--parquet")
    try:
        config, frames = _prepare(strategy_name, params, data_files, symbols, synthetic, timeframe, cash, fees,
                                  slippage, fractional, allow_short)
        frames = in_window(frames, start, end)
        bars = _steps(frames) if warmup else 0
        if warmup and warmup >= bars:  # a trial's --warmup 500 on a 108-bar window ran silently on one bar
            raise click.UsageError(f"--warmup {warmup} covers the whole window ({bars:,} bars): nothing would be "
                                   "traded; give fewer warm-up bars or a longer window")
        config = settled_class(config, frames, asset_class)
        result = _run(config, frames, quiet, warmup=warmup, close_at_end=close_at_end)
        report = _check(config, frames, lookahead, quiet) if lookahead is not None else None
    except USER_ERRORS as exc:
        raise InputProblem.of(exc) from exc
    for warning in split_warnings(frames):
        tell(f"warning: {warning}")
    for path in data_files:
        note = adjusted_close_note(path)
        if note:
            tell(f"note: {path.name}: {note}")
    notes = _notes(result)
    _told.extend(notes)  # printed below, after the files are written
    for path in json_paths:
        _write_json(path, result, report)
        wrote_file(path)
    if parquet_dirs:
        from app.greta.columns import write_result_parquet  # pyarrow's Parquet module only when asked for

        for folder in parquet_dirs:
            write_result_parquet(result, folder, _extra(result, report))
            wrote_folder(folder)
    for line in notes:
        click.echo(line, err=True)
    if quiet:
        click.echo(f"{config.strategy}: total return {pct(result.metrics.get('total_return_pct'))} over "
                   f"{plural(result.bars, 'bar')}, {plural(result.metrics.get('trades') or 0, 'trade')}, starting cash "
                   f"{money(config.cash)}")
    else:
        console.print(_table(result))
    if report is not None:
        click.echo(report.summary(), err=report.biased)
    if database_configured():
        written = [str(p) for p in (*json_paths, *parquet_dirs)]
        with if_database_fails("the run was not stored" + (f" (the result is in {', '.join(written)})"
                                                           if written else "")):
            stored = store_result(result, config.run_id, _bars_from(frames, data_files, synthetic))
            click.echo(f"stored as run {stored}")
    if report is not None and report.biased:
        sys.exit(1)


def _bars_from(frames: list[BarFrame], data_files: tuple[Path, ...], synthetic: tuple[str, ...]) -> dict[str, str]:
    """Where each symbol's bars came from when Weaver does not store them (trial 34: the run page charted, and
    the robustness test sampled, the demo AAPL bars stored under a CSV's symbol). `_prepare` puts the files'
    frames first and the synthetic ones last."""
    files = {frame.symbol: f"the file {path.name}" for frame, path in zip(frames, data_files, strict=False)}
    made = frames[len(frames) - len(synthetic):] if synthetic else []
    return files | {frame.symbol: f"synthetic bars ({spec})" for frame, spec in zip(made, synthetic, strict=True)}


def _out_format(path: Path, given: str | None) -> str:
    """--format (if the suffix of --out does not contradict it), or what the suffix says."""
    if given is not None:
        check_suffix(path, given)
        return given
    guessed = {f".{name}": name for name in OUT_FORMATS}.get(path.suffix.lower())
    if guessed is None:
        raise click.UsageError(f"--out {path}: give --format json|parquet (or name it *.json or *.parquet)")
    return guessed


def _prepare(strategy_name: str, params: tuple[str, ...], data_files: tuple[Path, ...], symbols: tuple[str, ...],
             synthetic: tuple[str, ...], timeframe: str | None, cash: str, fees: str, slippage: str,
             fractional: bool, allow_short: bool, say_unused_shorting: bool = True
             ) -> tuple[BacktestConfig, list[BarFrame]]:
    """The run's settings and bars; `say_unused_shorting` False for a sweep, which says it once for its grid.
    The start of a backtest's or a sweep's work: what an earlier command in this process told is forgotten."""
    _told.clear()
    strategy = command_line_strategy(strategy_name)
    values = strategy.parse_params(parse_params(params))
    refused = shorting_refused(values, allow_short)
    if refused:
        raise click.UsageError(refused)
    unused = shorting_unused(values, allow_short) if say_unused_shorting else None
    if unused:
        tell(f"note: {unused}")
    fee_spec = FeeSpec.parse(fees)  # a bad cost model fails before any data loads
    slippage_spec = SlippageSpec.parse(slippage)
    money = checked_cash(cash)
    frames = [_load(path, symbols[i] if i < len(symbols) else None, timeframe) for i, path in enumerate(data_files)]
    if data_files:
        _return_reader_memory()
    stored_class = None
    if len(symbols) > len(data_files):  # the symbols past the files: their bars as stored in Weaver's database
        from app.cli.stored_frames import load_stored_frames  # SQLAlchemy: only for stored bars

        stored, stored_class = load_stored_frames(list(symbols[len(data_files):]), timeframe)
        frames += stored
    frames += [parse_synthetic(spec, timeframe or "1Day") for spec in synthetic]
    if not frames:
        raise click.UsageError("give bars with --data FILE or --synthetic SYMBOL:BARS[:SEED]")
    config = BacktestConfig(strategy=strategy_name, params=values, cash=money.quantize(Decimal("0.01")),
                            fees=fee_spec, slippage=slippage_spec, fractional=fractional, allow_short=allow_short,
                            run_id=str(uuid.uuid4()) if database_configured() else "backtest",
                            # stored bars alone: their instruments' class, as the UI's forms pre-fill it
                            asset_class=stored_class if not data_files and not synthetic else None)
    return config, frames


def settled_class(config: BacktestConfig, frames: list[BarFrame], asset_class: str | None) -> BacktestConfig:
    """The run's asset class (--asset-class, else the stored bars' instruments', else other); a crypto pair sold
    short is refused first, as the API refuses it (Alpaca does not sell crypto short)."""
    chosen = asset_class or config.asset_class
    refused = crypto_short_refused([frame.symbol for frame in frames], chosen, config.allow_short)
    if refused:
        raise click.UsageError(refused)
    return replace(config, asset_class=chosen or "other")


def _load(path: Path, symbol: str | None, timeframe: str | None) -> BarFrame:
    """One --data file; its errors name it, since with several files `line 402` alone says not which."""
    notes: list[str] = []
    try:
        frame = load_csv(path, symbol, timeframe, notes)
    except DataError as exc:
        raise DataError(f"{path}: {exc}", row=exc.row) from exc
    for note in notes:
        tell(f"note: {path}: {note}")
    if timeframe and len(frame) > 1:  # trial 29: daily bars run as 1Hour gave a CAGR of -42 % for -8 %
        warning = spacing_warning(median_gap(frame.ts) / 1e9, timeframe, "read")
        if warning is not None:
            tell(f"warning: {path}: {warning} (annualised figures count {timeframe} bars)")
    gaps = gap_warning(frame.ts, frame.timeframe)
    if gaps is not None:
        tell(f"warning: {path}: {gaps}")
    return frame


def _return_reader_memory() -> None:
    """Hand back to the system what the CSV reader's Arrow memory pool kept after reading: mimalloc
    holds on to freed pages (about 90 MB after a 1M-bar file), which nothing else can reuse."""
    import pyarrow

    pyarrow.default_memory_pool().release_unused()


def _run(config: BacktestConfig, frames: list[BarFrame], quiet: bool, warmup: int = 0,
         close_at_end: bool = False) -> BacktestResult:
    # Transient: the bar (stderr) gives way to the metrics table once the run is done.
    with progress_bar("backtest", None, unit="bars", quiet=quiet, transient=True) as bar:
        return run_backtest(config, frames, progress=bar.update, warmup=warmup, close_at_end=close_at_end)


def _check(config: BacktestConfig, frames: list[BarFrame], budget: int, quiet: bool) -> LookaheadReport:
    with progress_bar("lookahead check", None, unit="bars", quiet=quiet, transient=True) as bar:
        return check_lookahead(config, frames, budget=budget, progress=bar.update)


def _notes(result: BacktestResult) -> list[str]:
    """What a user must not miss: orders the broker refused, by reason; indicators that never had a value; the
    positions it ended holding."""
    refused = rejection_summary(result.rejections())
    return ([f"warning: {refused}"] if refused else []) + [f"warning: {w}" for w in result.warnings] + _held(result) \
        + _working(result)


def _working(result: BacktestResult) -> list[str]:
    """Orders the run left working: listed `new` in --json with no word why. Trial 41: a limit placed 44 hours
    before the end, its price never reached, was said to have been placed on the last bar."""
    summary = working_summary(*result.ledger.still_working())
    return [f"note: {summary}"] if summary else []


def _held(result: BacktestResult) -> list[str]:
    """Trial 34: "Total return 9.04 %" beside 17 trades losing $12,798.58, with nothing to say the gain was an
    open 2,979-share position (+$21,836.07): the UI says so, and backtesting.py warns, and so does this."""
    held = [p for p in result.positions if p.qty != 0]
    if not held:
        return []
    unrealized = sum((p.unrealized_pl for p in held), Decimal(0))
    them = "it" if len(held) == 1 else "them"
    what = ", ".join(f"{p.qty.normalize():,f} {p.symbol}" for p in held)
    return [f"note: ended holding {what} (unrealized {'+' if unrealized >= 0 else '-'}{money(abs(unrealized))}): "
            f"the return and the equity count {them} at the last close; the trade figures (trades, win rate, profit "
            f"factor, expectancy) count closed trades only (--close-at-end closes {them} at the last close)"]


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def plural(count: int, noun: str) -> str:
    """'1 bar', '1,260 bars'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def money(value: Decimal) -> str:
    """Dollars with thousands separators, to the cent: 100000 → $100,000.00."""
    return f"${value:,.2f}"


def _table(result: BacktestResult) -> Table:
    table = Table(title=f"{result.config['strategy']} on {', '.join(result.symbols)} ({result.timeframe}, "
                        f"{plural(result.bars, 'bar')}, {result.start:%Y-%m-%d} → {result.end:%Y-%m-%d})")
    withheld = unavailable(result.metrics)  # too little data for a year's figures: say why they are blank
    table.caption = f"annualised by {result.config['annualisation']}" + (
        f"; CAGR, volatility, Sharpe, Sortino and Calmar withheld: {next(iter(withheld.values()))}" if withheld else "")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_row("Starting cash", money(Decimal(str(result.config["cash"]))))
    shown = {k: v for k, v in result.metrics.items() if k != "orders_rejected"}  # a warning line counts those
    for label, text in metric_rows(shown):  # labels and units as `weaver runs show` gives them
        table.add_row(label, text)
    return table


def _extra(result: BacktestResult, report: LookaheadReport | None) -> dict[str, Any]:
    """What the result files hold beside the result: what was printed, why figures are withheld, the check."""
    extra: dict[str, Any] = {"notes": list(_told), "metrics_unavailable": unavailable(result.metrics)}
    if report is not None:
        extra["lookahead"] = plain(report)
    return extra


def _write_json(path: Path, result: BacktestResult, report: LookaheadReport | None) -> None:
    with path.open("wb") as out:
        write_result_json(result, out, _extra(result, report))
