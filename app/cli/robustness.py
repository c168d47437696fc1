"""`weaver runs robustness RUN_ID`: Monte Carlo over a finished run's trades and the random-entry
benchmark (app/services/robustness.py), as POST /api/v1/runs/{run_id}/robustness gives them. Its options and
tables serve `weaver walkforward robustness` too (app/cli/walkforward.py).

Drawdowns read negative, as `weaver runs show` and the run tables write them (app/cli/metric_text.py); --json
keeps the API's positive figures."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import click
from rich.console import Console
from rich.table import Table

from app.cli.common import fail
from app.cli.metric_text import drawdown
from app.cli.runs import _complete_records, _container, _run_id, runs
from app.greta.robustness import MonteCarlo, Spread
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.robustness import MAX_RESAMPLES, RobustnessAsk, RunRobustness, run_robustness


def robustness_options(command: Callable[..., None]) -> Callable[..., None]:
    """--resamples, --seed, --ruin-drawdown, --method and --json: `weaver runs robustness` and `weaver walkforward
    robustness` alike."""
    for option in reversed((
        click.option("--resamples", type=click.IntRange(1, MAX_RESAMPLES), default=1000, show_default=True,
                     help="Paths per test."),
        click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
                     help="The same seed gives the same figures."),
        click.option("--ruin-drawdown", "ruin", type=click.FloatRange(0, 100, min_open=True), default=50.0,
                     show_default=True, help="A path is ruined when its max drawdown reaches this many percent."),
        click.option("--method", type=click.Choice(["bootstrap", "shuffle", "both"]), default="both",
                     show_default=True),
        click.option("--json", "as_json", is_flag=True, help="Print every figure (with the equity bands) as JSON."),
    )):
        command = option(command)
    return command


@runs.command()
@click.argument("run_id")
@robustness_options
def robustness(run_id: str, resamples: int, seed: int, ruin: float, method: str, as_json: bool) -> None:
    """How much of a finished run's result is luck: its trades resampled (bootstrap) and reordered
    (shuffle), and the same trades at random entry bars."""
    container = _container()
    run_id = _run_id(container, run_id)
    try:
        _complete_records(container, run_id)
        with container.read_session() as session:
            result = run_robustness(session, run_id, RobustnessAsk(resamples, seed, ruin, method))
    except (NotFound, Conflict, ValidationFailed) as exc:
        fail(exc.message, 2)
    finally:
        container.close()
    show_robustness(result, as_json)


CLOSED_TRADES = ("each path is equity after each closed trade: its drawdowns are of closed trades only, shallower "
                 "than the run's own max drawdown, which marks open positions at every bar")


def show_robustness(result: RunRobustness, as_json: bool, subject: str = "run") -> None:
    """Every figure as JSON (as the API's body), or the tables."""
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), indent=2))
        return
    print_robustness(result, Console(emoji=False), subject)


def print_robustness(result: RunRobustness, console: Console, subject: str = "run") -> None:
    """The tables of `weaver runs robustness` and `weaver walkforward robustness` (subject: what was tested)."""
    console.print(f"{subject} {result.run_id}: {result.trades} trades from {_money(result.start_equity)}, "
                  f"{result.resamples:,} resamples, seed {result.seed}", highlight=False)
    if result.note:
        console.print(f"note: {result.note}", highlight=False)
    if result.caution:
        console.print(f"caution: {result.caution}", highlight=False)
    console.print(CLOSED_TRADES, highlight=False)
    for mc in result.monte_carlo:
        console.print(_monte_carlo_table(mc))
    entry = result.random_entry
    if entry is None:
        console.print(f"random-entry benchmark unavailable: {result.random_entry_unavailable}", highlight=False)
        return
    table = Table("measure", "value", title=f"random entries ({entry.resamples:,} runs of the same trades)",
                  title_justify="left")
    table.add_row("strategy return %", _pct(entry.strategy_return_pct))
    table.add_row("random return % 5 / 50 / 95", " / ".join(_pct(v) for v in _three(entry.random_return_pct)))
    table.add_row("strategy's percentile", f"{entry.percentile:.1f}")
    table.add_row("p-value (random ≥ strategy)", f"{entry.p_value:.4f}")
    console.print(table)


def _monte_carlo_table(mc: MonteCarlo) -> Table:
    how = "trades drawn with replacement" if mc.method == "bootstrap" else "the same trades reordered"
    table = Table(title=f"{mc.method}: {how}", title_justify="left")
    table.add_column("measure")
    # Each row from its bad tail to its good one, as the run page's panel (trial 40: "5 %" was the worst final
    # equity but the shallowest drawdown).
    for heading in ("worst 5 %", "median", "best 5 %"):
        table.add_column(heading, justify="right")
    table.add_row("final equity", *(_money(v) for v in _three(mc.final_equity)))
    table.add_row("max drawdown", *(drawdown(v) for v in _three(mc.max_drawdown_pct)[::-1]))
    table.add_row("longest drawdown (trades)", *(f"{v:g}" for v in _three(mc.longest_drawdown_trades)[::-1]))
    table.add_row(f"ruin (drawdown ≥ {mc.ruin_drawdown_pct:g} %)", f"{mc.ruin_probability * 100:.1f} % of paths",
                  "", "")
    return table


def _three(spread: Spread) -> tuple[float, float, float]:
    return spread.p5, spread.p50, spread.p95


def _money(value: float) -> str:
    """A percentile of simulated equity: dollars to the cent (an estimate, not money booked)."""
    return f"${value:,.2f}"


def _pct(value: float) -> str:
    return f"{value:,.2f}"
