"""`weaver runs show`'s report: a run's settings as labelled lines, then its metrics with labels and units."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from app.cli.metric_text import DASH, dollars, fees_text, metric_rows, slippage_text, withheld_reason, yes_no
from app.walle.models import Run

# A paper or live run pays its broker's fees at its prices: its models shape only the backtest it is compared with.
BACKTEST_SIDE = " (backtest side only: the broker charges its own)"
_OPTIONS_SHOWN = ("allow_short", "fractional", "asset_class", "risk", "records")  # records: how a cell is stored


def print_run(console: Console, run: Run, metrics: Mapping[str, float | int | None], held: str = "",
              gaps: Sequence[Mapping[str, Any]] = ()) -> None:
    """`held`: what a stopped paper or live run still holds at its broker ("AAPL 52"), said under its settings;
    `gaps`: its `run.bars_missed` payloads, newest first."""
    # a running run's `error` is the broker's last refusal, not why it ended (trial 43 read "running (order …
    # rejected …)" as the run's state): said on its own line
    active = run.status in ("created", "queued", "running")
    console.print(f"[bold]{escape(run.name or run.strategy)}[/bold] — {run.status}"
                  + (f" ({escape(run.error)})" if run.error and not active else ""))
    for label, value in settings_lines(run):
        console.print(f"{label + ':':<15} {value}", highlight=False, soft_wrap=True)
    if run.error and active:
        console.print(f"{'Last refusal:':<15} {escape(run.error)}", highlight=False, soft_wrap=True)
    if gaps:
        console.print(f"{'Not traded:':<15} {gaps_text(gaps)}", highlight=False, soft_wrap=True)
    if held:
        console.print(f"{'Still held:':<15} {held} at the {run.mode} broker (close them with `weaver runs "
                      f"close-positions {run.id[:8]}`)", highlight=False, soft_wrap=True)
    if not metrics:
        console.print("no metrics yet", highlight=False)
        return
    table = Table("Metric", "Value", title="Metrics", title_justify="left")
    table.columns[1].justify = "right"
    if "bars" in metrics and metrics["bars"] is not None:
        table.add_row("Bars", f"{round(metrics['bars']):,}")
    for label, text in metric_rows(metrics):
        table.add_row(label, text)
    reason = withheld_reason(metrics)
    if reason:
        table.caption = f"CAGR, volatility, Sharpe, Sortino and Calmar withheld: {reason}"
    console.print(table)


def gaps_text(gaps: Sequence[Mapping[str, Any]]) -> str:
    """The bars a paper run was not trading, as its page says them (trial 41: `runs show` said nothing of a
    225-bar outage): "225 bars in 1 gap, from 2026-12-07 23:57:24 GMT to 00:01:07 GMT (Weaver was down)"."""
    bars = sum(int(g.get("count") or 0) for g in gaps)
    newest = gaps[0]
    first, last = (datetime.fromisoformat(str(newest[k])).astimezone() for k in ("first", "last"))
    why = {"stopped": " (the run was stopped)", "down": " (Weaver was down: no tick ran)"}.get(
        str(newest.get("why")), "")
    span = f"at {first:%Y-%m-%d %H:%M:%S %Z}" if first == last else \
        f"from {first:%Y-%m-%d %H:%M:%S %Z} to {last:%Y-%m-%d %H:%M:%S %Z}"
    where = "" if len(gaps) == 1 else f"; the newest {newest.get('count')} bars"
    return (f"{bars:,} bar{'s' * (bars != 1)} in {len(gaps)} gap{'s' * (len(gaps) != 1)}{where} {span}{why}: its "
            "backtest decided on them, the run did not")


def settings_lines(run: Run) -> list[tuple[str, str]]:
    options: dict[str, Any] = dict(run.options or {})
    params = dict(run.params or {})
    allow_short = options.get("allow_short", params.get("allow_short"))
    lines = [
        ("Run", run.id),
        ("Strategy", run.strategy),
        ("Mode", run.mode),
        ("Symbols", ", ".join(run.symbols)),
        ("Timeframe", run.timeframe),
        ("Period", _period(run.start_at, run.end_at) if run.mode == "backtest" else _trading(run)),
        ("Starting cash", dollars(run.cash)),
        ("Parameters", ", ".join(f"{k}={_value(v)}" for k, v in params.items() if k != "allow_short") or "none"),
        ("Fees", fees_text(run.fees) + BACKTEST_SIDE * (run.mode != "backtest")),
        ("Slippage", slippage_text(run.slippage) + BACKTEST_SIDE * (run.mode != "backtest")),
        ("Allow short", yes_no(allow_short)),
        ("Fractional", yes_no(options.get("fractional"))),
    ]
    if options.get("asset_class"):
        lines.append(("Asset class", str(options["asset_class"])))
    if options.get("risk"):
        lines.append(("Risk limits", ", ".join(f"{k}={_value(v)}" for k, v in options["risk"].items()
                                               if v is not None) or "none"))
    lines += [(k.replace("_", " ").capitalize(), _value(v)) for k, v in options.items() if k not in _OPTIONS_SHOWN]
    if run.sweep_id:
        lines.append(("Sweep", run.sweep_id))
    return lines


def _trading(run: Run) -> str:
    """A paper or live run's period is when it traded (trial 35: "Period: –"): from its start, to its stop."""
    if run.started_at is None:
        return "not started"
    since = f"{run.started_at.astimezone():%Y-%m-%d %H:%M %Z}"
    if run.status in ("stopped", "error") and run.finished_at is not None:
        return f"{since} → {run.finished_at.astimezone():%Y-%m-%d %H:%M %Z}"
    return f"since {since}"


def _period(start: datetime | None, end: datetime | None) -> str:
    if start is None and end is None:
        return DASH
    return f"{_date(start)} → {_date(end)}"


def _date(moment: datetime | None) -> str:
    """A daily bar is its date (midnight UTC); anything else in this machine's time zone, named."""
    if moment is None:
        return DASH
    return f"{moment:%Y-%m-%d}" if (moment.hour, moment.minute, moment.second) == (0, 0, 0) \
        else f"{moment.astimezone():%Y-%m-%d %H:%M %Z}"


def _value(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return yes_no(value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list | tuple):
        return ", ".join(_value(v) for v in value) or "none"
    return str(value)
