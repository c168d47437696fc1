"""Whether a backtest run chosen to compare a paper or live run with is a backtest of the same thing
(trial 38: a paper run of sma_cross on AAPL 1Sec was compared with a bollinger_breakout backtest of MSFT
1Min, "0 of 1536 identical", and nothing said the two were unrelated). Another strategy, symbols or bar
size is no comparison at all: refused. Other parameters, costs or a window that does not cover the run's
trading are a comparison a user may mean: each is said in a note at the top of the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.greta.specs import FeeSpec, SlippageSpec
from app.services.drift_stamps import stamp
from app.services.errors import ValidationFailed
from app.walle.models import Run


def refuse_unrelated(run: Run, backtest: Run) -> None:
    """A 422 naming what differs when `backtest` is not of the run's strategy, symbols and timeframe."""
    differs = [f"{what} {theirs} (the run's: {ours})" for what, ours, theirs in (
        ("strategy", run.strategy, backtest.strategy),
        ("symbols", ", ".join(sorted(run.symbols)), ", ".join(sorted(backtest.symbols))),  # (in any order)
        ("timeframe", run.timeframe, backtest.timeframe),
    ) if ours != theirs]
    if differs:
        raise ValidationFailed({"against": f"run {backtest.id} is a backtest of something else: "
                                           f"{'; '.join(differs)}; compare a run with a backtest of the same "
                                           "strategy on the same bars"})


def difference_notes(run: Run, backtest: Run, traded: tuple[datetime, datetime] | None = None) -> list[str]:
    """What the backtest was given that the run was not: parameters, costs, shorting, and a window that
    leaves part of the run's trading (`traded`: its first and last traded bars) out."""
    notes = []
    params = _changed(run.params or {}, backtest.params or {})
    if params:
        notes.append(f"The backtest ran other parameters than the run: {params}; rows may differ for that "
                     "reason, not the market's.")
    costs = [f"{name} {theirs} (the run's: {ours})" for name, ours, theirs in (
        ("fees", FeeSpec.parse(run.fees).to_text(), FeeSpec.parse(backtest.fees).to_text()),
        ("slippage", SlippageSpec.parse(run.slippage).to_text(), SlippageSpec.parse(backtest.slippage).to_text()),
    ) if ours != theirs]
    ours, theirs = bool((run.options or {}).get("allow_short")), bool((backtest.options or {}).get("allow_short"))
    if ours != theirs:
        costs.append(f"shorting {'allowed' if theirs else 'off'} (the run's: {'allowed' if ours else 'off'})")
    if costs:
        notes.append(f"The backtest's settings differ from the run's: {'; '.join(costs)}.")
    window = _uncovered(run, backtest, traded)
    if window:
        notes.append(window)
    return notes


def _changed(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    names = sorted(set(ours) | set(theirs))
    return ", ".join(f"{n} {theirs.get(n)} (the run's: {ours.get(n)})" for n in names if ours.get(n) != theirs.get(n))


def _uncovered(run: Run, backtest: Run, traded: tuple[datetime, datetime] | None) -> str | None:
    """A note when the backtest's window leaves out part of the run's trading: its first to its last traded bar
    (`traded`; the run's start and stop when it traded none). The stop is not trading: a backtest ending at the
    run's last bar covers it (trial 42 was told it did not, "to 00:07:23", the stop after a last bar of 00:07:16)."""
    began, ended = traded if traded is not None else (run.started_at, run.finished_at or datetime.now(UTC))
    start, end = backtest.start_at, backtest.end_at
    if began is None or start is None or end is None:
        return None
    if start <= began and end >= ended:
        return None
    what = "from its first bar to its last" if traded is not None else "from its start to its stop"
    return (f"The backtest's window ({stamp(start)} to {stamp(end)}) does not cover the run's trading "
            f"({what}: {stamp(began)} to {stamp(ended)}): decisions outside it show as the run's alone. A backtest "
            "of the same period ends at the run's last bar and starts no later than its first (its warm-up bars "
            "before that).")
