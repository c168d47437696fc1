"""`weaver sweep`: backtest every cell of a parameter grid on CSV or synthetic bars, ranked by a metric.

    weaver sweep --strategy sma_cross --grid fast=5,10,20 --grid slow=30,50,100 --data GOOG.csv --sort sharpe

The local twin of `POST /api/v1/sweeps` (which fans cells out to the backtest workers): one process,
a progress bar over the cells, a ranked table, and `--json` for every cell's metrics. Cells whose
parameters break the strategy's rules (fast ≥ slow) are skipped and listed with the reason; a cell whose
run fails (its strategy raised) is listed with the reason, and the others are ranked.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from app.cli.backtest import USER_ERRORS, _prepare, asset_class_option, money, settled_class
from app.cli.common import InputProblem, command_line_strategy
from app.cli.grid_option import parse_grid, parse_params
from app.cli.metric_text import METRICS, metric_text
from app.cli.outputs import check_file_target, wrote_file
from app.cli.progress import progress_bar
from app.cli.skipped_cells import skipped_lines
from app.cli.window import in_window, window_options
from app.greta.engine import run_backtest
from app.greta.equity import DEFAULT_CASH, MoneyRangeError
from app.greta.metrics import unavailable
from app.greta.strategy_failure import StrategyFailed
from app.marvin import ParamError, StrategyError
from app.marvin.orders import OrderError
from app.marvin.params import Param, repeated_values, swept_and_fixed, unknown_parameters, value_problems
from app.marvin.shorting import shorting_refused, shorting_unused
from app.services.walkforward_specs import BETTER_LOWER

# What one cell's run can raise (its strategy, its orders, its money), where the other cells may well run.
CELL_ERRORS = (StrategyFailed, StrategyError, OrderError, MoneyRangeError)
COLUMNS = ("total_return_pct", "sharpe", "max_drawdown_pct", "trades", "win_rate_pct")


@click.command()
@click.option("--strategy", "strategy_name", required=True, help="Built-in name (sma_cross) or package.module:Class.")
@click.option("--grid", "grid_items", multiple=True, required=True, metavar="NAME=V1,V2,...",
              help="Values of one parameter to try, listed or as START:STOP[:STEP] (inclusive); repeat for each "
                   "swept parameter.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter held fixed (repeatable).")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of bars; repeat for more symbols.")
@click.option("--symbol", "symbols", multiple=True,
              help="Symbol of each --data file, in order; a --symbol past the files sweeps its bars stored in "
                   "Weaver's database (give --timeframe).")
@click.option("--synthetic", multiple=True, metavar="SYMBOL:BARS[:SEED]", help="Synthetic GBM bars.")
@click.option("--timeframe", default=None, help="Bar timeframe (default: from the data).")
@click.option("--cash", default=str(DEFAULT_CASH), show_default=True, help="Starting cash (as the API's runs).")
@click.option("--fees", default="none", show_default=True, help="none | alpaca | per_share:<rate> | percent:<pct>")
@click.option("--slippage", default="none", show_default=True, help="none | <n>bp | range:<fraction>")
@click.option("--fractional", is_flag=True)
@click.option("--allow-short", is_flag=True)
@asset_class_option
@window_options
@click.option("--sort", "sort_by", default="sharpe", show_default=True, help="Metric to rank cells by (best first).")
@click.option("--ascending", is_flag=True, help="Rank smallest first (drawdowns, volatility and fees rank smallest "
                                                "first without it: smaller is better).")
@click.option("--descending", is_flag=True, help="Rank largest first (for drawdowns, volatility and fees: the riskiest "
                                                 "or costliest cells first).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write every cell.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sweep(strategy_name: str, grid_items: tuple[str, ...], params: tuple[str, ...], data_files: tuple[Path, ...],
          symbols: tuple[str, ...], synthetic: tuple[str, ...], timeframe: str | None, cash: str, fees: str,
          slippage: str, fractional: bool, allow_short: bool, asset_class: str | None, start: str | None,
          end: str | None, sort_by: str, ascending: bool, descending: bool, json_path: Path | None,
          quiet: bool) -> None:
    """Backtest every combination of the --grid values and rank the results."""
    if ascending and descending:
        raise click.UsageError("--ascending and --descending: give one (smallest first, or largest first)")
    grid = parse_grid(grid_items)
    if json_path is not None:
        check_file_target(json_path, "--json")
    fixed = parse_params(params)
    try:
        config, frames = _prepare(strategy_name, (), data_files, symbols, synthetic, timeframe, cash, fees, slippage,
                                  fractional, allow_short, say_unused_shorting=False)
        frames = in_window(frames, start, end)
        config = settled_class(config, frames, asset_class)
        strategy = command_line_strategy(strategy_name)
        _refuse_bad_names_and_values(strategy_name, strategy.param_specs, grid, fixed)
        cells, skipped = [], []
        for combo in itertools.product(*grid.values()):
            texts = {**fixed, **dict(zip(grid, combo, strict=True))}
            try:
                values = strategy.parse_params(texts)
            except ParamError as exc:
                skipped.append((texts, "; ".join(f"{k}: {v}" for k, v in exc.errors.items())))
                continue
            refused = shorting_refused(values, allow_short)
            if refused:
                skipped.append((texts, refused))
            else:
                cells.append(values)
        if not cells:  # trial 34: one reason said once per cell, the cells not named
            raise click.UsageError("no valid cell in the grid: " + "; ".join(skipped_lines(skipped)))
        unused = [shorting_unused(values, allow_short) for values in cells]
        if all(unused):  # no cell will sell short, though the run may
            click.echo(f"note: {unused[0]}", err=True)
        results: list[tuple[dict[str, Any], dict[str, Any]]] = []
        failed: list[tuple[dict[str, Any], str, Exception]] = []
        with progress_bar(f"sweep {strategy_name}", len(cells), unit="runs", quiet=quiet) as bar:
            for done, values in enumerate(cells, start=1):
                try:
                    results.append((values, run_backtest(replace(config, params=values), frames).metrics))
                except CELL_ERRORS as exc:  # trial 34: one raising cell threw every other cell's result away
                    failed.append((values, str(exc), exc))
                bar.update(done)
        if not results:  # every cell failed: as one backtest would
            raise failed[0][2]
    except USER_ERRORS as exc:
        raise InputProblem.of(exc) from exc
    if sort_by not in results[0][1]:
        raise click.UsageError(f"--sort: no metric {sort_by!r}; choose from {', '.join(sorted(results[0][1]))}")
    ranked = _rank(results, sort_by, ascending, descending)
    table = _table(strategy_name, grid, ranked, sort_by)
    table.caption = f"starting cash {money(config.cash)} per cell, {config.asset_class} instruments"
    Console(emoji=False).print(table)
    for reason in _withheld(ranked, sort_by):
        click.echo(f"{sort_by} is withheld (–): {reason}")
    for line in skipped_lines(skipped):
        click.echo(line)
    for line in skipped_lines([(values, reason) for values, reason, _ in failed], verb="failed"):
        click.echo(line, err=True)
    if json_path is not None:
        document = {"strategy": strategy_name, "grid": grid, "sort": sort_by,
                    "cells": [{"params": values, "metrics": metrics} for values, metrics in ranked],
                    "skipped": [{"params": texts, "reason": reason} for texts, reason in skipped],
                    "failed": [{"params": values, "reason": reason} for values, reason, _ in failed]}
        json_path.write_text(json.dumps(document, sort_keys=True, allow_nan=False), encoding="utf-8")
        wrote_file(json_path)


def _refuse_bad_names_and_values(strategy: str, specs: dict[str, Param], grid: dict[str, list[str]],
                                 fixed: dict[str, str]) -> None:
    """A name the strategy lacks, or a value no cell could take ("5x" for an integer), stops the sweep
    before it starts, as the API's 422 does, and so does a value listed twice; only rules between parameters
    (fast < slow) skip cells."""
    unknown = unknown_parameters(strategy, specs, {**grid, **fixed})
    if unknown:
        raise click.UsageError(unknown)
    both = swept_and_fixed(grid, fixed)
    if both:
        raise click.UsageError(f"--grid and --param: {both}")
    problems = [f"--{option} {name}: {why}" for option, texts in (("grid", grid), ("param", _listed(fixed)))
                for name, why in value_problems(specs, _parsed(specs, texts)).items()]
    if problems:
        raise click.UsageError("; ".join(problems))
    repeated = repeated_values(_parsed(specs, grid))  # as typed: fast=5,05 lists 5 twice
    if repeated:
        raise click.UsageError(f"grid: {repeated}")


def _listed(fixed: dict[str, str]) -> dict[str, list[str]]:
    return {name: [text] for name, text in fixed.items()}


def _parsed(specs: dict[str, Param], texts: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Command-line text typed as each parameter reads it (the strategy's `parse_params` does the same)."""
    return {name: [specs[name].parse(text) for text in values] for name, values in texts.items()}


def _rank(results: list[tuple[dict[str, Any], dict[str, Any]]], metric: str,
          ascending: bool, descending: bool = False) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Best first: largest first, smallest for a metric where smaller is better (a drawdown: trial 26's
    `--sort max_drawdown_pct` put the deepest first), or as `ascending` or `descending` say (trial 29 could not
    list the deepest drawdowns first); cells without a value for the metric (no trades, say) go last either way."""
    known = [r for r in results if r[1].get(metric) is not None]
    unknown = [r for r in results if r[1].get(metric) is None]
    smallest_first = ascending or (not descending and metric in BETTER_LOWER)
    return sorted(known, key=lambda r: r[1][metric], reverse=not smallest_first) + unknown


def _withheld(ranked: list[tuple[dict[str, Any], dict[str, Any]]], metric: str) -> list[str]:
    """Why the ranking metric is withheld, when it is an annualised figure the window is too short for (a
    table of dashes ranked by nothing would otherwise say nothing); once per distinct reason."""
    reasons = (unavailable(metrics).get(metric) for _, metrics in ranked if metrics.get(metric) is None)
    return list(dict.fromkeys(reason for reason in reasons if reason))


def _table(strategy: str, grid: dict[str, list[str]], ranked: list[tuple[dict[str, Any], dict[str, Any]]],
           sort_by: str) -> Table:
    ranked_by = f"ranked by {sort_by}"
    values = {metrics.get(sort_by) for _, metrics in ranked}
    if ranked and values == {None}:  # trial 23: "ranked by sharpe", unranked
        ranked_by = f"in grid order, not ranked: {sort_by} has no value in any cell"
    elif len(ranked) > 1 and len(values) == 1:  # trial 31: --sort start_equity, bars, benchmark_return_pct
        ranked_by = f"in grid order, not ranked: {sort_by} is the same in every cell"
    table = Table(title=f"{strategy}: {len(ranked)} cell{'' if len(ranked) == 1 else 's'} {ranked_by}")
    columns = [sort_by, *(c for c in COLUMNS if c != sort_by)]
    for name in grid:
        table.add_column(name, justify="right")
    for name in columns:  # labels with spaces wrap on a narrow terminal, where "total_return_pct" was cut short
        table.add_column(METRICS.get(name, (name,))[0].split(" (")[0], justify="right")
    for values, metrics in ranked:
        table.add_row(*(_grid_text(values[name]) for name in grid), *(metric_text(c, metrics.get(c)) for c in columns))
    return table


def _grid_text(value: Any) -> str:
    """A cell's value as the --grid option spells it (true, not Python's True)."""
    return str(value).lower() if isinstance(value, bool) else str(value)
