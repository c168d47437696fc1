"""`weaver runs show` as a report (settings on labelled lines, metrics with the UI's labels and units),
and `weaver runs list` folding sweep cells away as the dashboard does (`--cells`, as the API's `cells`)."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import delete, select

from app.bootstrap import Container, build_services
from app.services.specs import RunCreate, SweepCreate
from app.walle.models import Position, Run, RunMetric
from tests.integration.api.conftest import store_daily_bars
from tests.integration.api.test_runs_walkforward_folding import store
from tests.integration.conftest import weaver
from tests.integration.foundation.factories import make_run


def _figures(pg: Container, run_id: str) -> dict[str, float | None]:
    with pg.read_session() as session:
        return {m.name: m.value for m in session.scalars(select(RunMetric).where(RunMetric.run_id == run_id))}


def _value(out: str, label: str) -> str:
    """The value on the metrics table's row `label` (│ label │ value │)."""
    row = next(line for line in out.splitlines() if re.match(rf"│ {re.escape(label)} +│", line))
    return row.split("│")[2].strip()


def test_runs_show_reads_as_a_report_with_labels_and_units(pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="sma_cross", params={"fast": 5, "slow": 20}, start_now=True,
                                         symbols=["AAPL"], timeframe="1Day", fees={"model": "percent", "rate": "0.1"},
                                         slippage={"model": "bps", "value": "5"}))
    assert services.backtests.execute(run.id) == "completed"
    figures = _figures(pg, run.id)

    shown = weaver("runs", "show", run.id[:8], env={**cli_env, "COLUMNS": "100"}, timeout=60)

    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert f"Run:            {run.id}" in out and "Starting cash:  $100,000.00" in out
    assert "Fees:           0.10 % of notional" in out and "Slippage:       5 bp against the order" in out
    assert "Allow short:    no" in out and "Parameters:     fast=5, slow=20" in out
    assert "{" not in out and "False" not in out and "_pct" not in out, out  # no Python reprs, no raw names
    assert figures["max_drawdown_pct"] > 0
    assert _value(out, "Max drawdown") == f"-{figures['max_drawdown_pct']:.2f}%"  # negative, as the UI shows it
    assert _value(out, "Total return") == f"{figures['total_return_pct']:.2f}%"
    assert _value(out, "Sharpe (arithmetic, ann.)") == f"{figures['sharpe']:.2f}"
    assert _value(out, "Final equity") == f"${figures['final_equity']:,.2f}"
    days, rest = divmod(round(figures["max_drawdown_seconds"]), 86_400)
    hours = f" {rest // 3600} h" if rest // 3600 else ""  # daily bars: whole days, no "0 h" (trial 34)
    assert _value(out, "Max drawdown duration") == f"{days:,} day{'s' * (days != 1)}{hours}"


def test_runs_show_of_a_stopped_paper_run_says_its_models_are_the_backtests_and_what_it_still_holds(
        pg: Container, cli_env: dict[str, str]) -> None:
    """Trial 21: `runs show` of a paper run printed "Fees: 0.10 % of notional" (the broker charged $0.00), and
    nothing of the 51 AAPL it stopped holding, both of which its page says."""
    with pg.uow() as uow:
        run = uow.runs.add(make_run(mode="paper", status="stopped", timeframe="1Min", symbols=["AAPL", "MSFT"],
                                    fees={"model": "percent", "rate": "0.1"}))
        uow.session.flush()
        for symbol, qty in (("AAPL", "51"), ("MSFT", "0")):
            uow.session.add(Position(run_id=run.id, symbol=symbol, qty=Decimal(qty), avg_price=Decimal("100")))
        for first, last, count, why in (("2026-12-07T21:03:00+00:00", "2026-12-07T21:03:58+00:00", 59, "stopped"),
                                        ("2026-12-07T23:57:24+00:00", "2026-12-08T00:01:07+00:00", 225, "down")):
            uow.outbox.emit("run.bars_missed", {"run_id": run.id, "count": count, "first": first, "last": last,
                                                "why": why}, run_id=run.id)
        uow.commit()
        run_id = run.id

    shown = weaver("runs", "show", run_id[:8], env={**cli_env, "COLUMNS": "200", "TZ": "Europe/London"}, timeout=60)

    assert shown.returncode == 0, shown.stderr
    assert "Fees:           0.10 % of notional (backtest side only: the broker charges its own)" in shown.stdout
    assert (f"Still held:     AAPL 51 at the paper broker (close them with `weaver runs close-positions "
            f"{run_id[:8]}`)") in shown.stdout, shown.stdout
    assert shown.stdout.startswith("sma_cross — stopped\n"), shown.stdout
    with pg.uow() as uow:  # trial 43: a running run's last refusal read as its state ("running (order … rejected")
        running = uow.runs.get(run_id)
        running.status, running.error = "running", "order c-9 rejected by the broker: insufficient qty available"
        uow.commit()
    again = weaver("runs", "show", run_id[:8], env={**cli_env, "COLUMNS": "200"}, timeout=60).stdout
    assert again.startswith("sma_cross — running\n"), again
    assert "Last refusal:   order c-9 rejected by the broker: insufficient qty available" in again
    # trial 41: a 225-bar outage said nothing here, though the run's page says it
    assert ("Not traded:     284 bars in 2 gaps; the newest 225 bars from 2026-12-07 23:57:24 GMT to 2026-12-08 "
            "00:01:07 GMT (Weaver was down: no tick ran): its backtest decided on them, the run did not") \
        in shown.stdout


def test_runs_show_says_not_enough_data_for_the_figures_the_api_withholds(
        pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=15)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="buy_and_hold", start_now=True, symbols=["AAPL"]))
    assert services.backtests.execute(run.id) == "completed"
    assert _figures(pg, run.id)["sharpe"] is None

    shown = weaver("runs", "show", run.id, env={**cli_env, "COLUMNS": "200"}, timeout=60)

    assert shown.returncode == 0, shown.stderr
    for label in ("CAGR", "Volatility (ann.)", "Sharpe (arithmetic, ann.)", "Sortino", "Calmar"):
        assert _value(shown.stdout, label) == "not enough data"
    assert "withheld: not enough data: 14 returns;" in shown.stdout


def test_runs_list_hides_sweep_cells_unless_asked_and_counts_them(pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=60)
    services = build_services(pg.settings, container=pg)
    alone = services.runs.create(RunCreate(strategy="buy_and_hold", start_now=True, symbols=["AAPL"]))
    assert services.backtests.execute(alone.id) == "completed"
    for slow in (20, 30):
        sweep, _ = services.sweeps.create(SweepCreate(strategy="sma_cross", grid={"fast": [3, 5, 8], "slow": [slow]},
                                                      symbols=["AAPL"]))
        assert services.sweeps.create_cells(sweep.id) == "created"
    with pg.read_session() as session:
        cells = session.scalars(select(Run.id).where(Run.sweep_id.is_not(None))).all()
    assert len(cells) == 6
    env = {**cli_env, "TZ": "UTC", "COLUMNS": "80"}

    hidden = weaver("runs", "list", env=env, timeout=60)
    shown = weaver("runs", "list", "--cells", "show", env=env, timeout=60)
    only = weaver("runs", "list", "--cells", "only", env=env, timeout=60)

    assert hidden.returncode == shown.returncode == only.returncode == 0, hidden.stderr + shown.stderr + only.stderr
    ids = [line.split()[0] for line in hidden.stdout.splitlines()[2:-1]]
    assert ids == [alone.id[:8]] and "1 run(s), newest first" in hidden.stdout
    assert hidden.stdout.splitlines()[-1] == \
        "+ 2 sweeps with 6 cells hidden: --cells show lists them too, --cells only alone"
    assert "7 run(s)" in shown.stdout and all(cell[:8] in shown.stdout for cell in cells)
    assert "hidden" not in shown.stdout
    assert "6 sweep cell(s)" in only.stdout and alone.id[:8] not in only.stdout
    for done in (hidden, shown, only):  # stdout and the stderr line naming the database fit 80 columns
        assert max(len(line) for line in (done.stdout + done.stderr).splitlines()) <= 80



def test_runs_list_counts_the_walk_forward_runs_it_hides(pg: Container, cli_env: dict[str, str]) -> None:
    """A walk-forward's out-of-sample and contrast runs are hidden beside the sweep cells (`cells=hide`,
    migration 0017), and the last lines say how many, the user's sweeps apart from each walk-forward's, in
    80 columns."""
    stored = store(pg)  # 2 plain runs; 6 sweeps (a plain one, 4 folds, a contrast) with 7 cells; 5 OOS/contrast runs
    env = {**cli_env, "TZ": "UTC", "COLUMNS": "80"}

    hidden = weaver("runs", "list", env=env, timeout=60)
    shown = weaver("runs", "list", "--cells", "show", env=env, timeout=60)

    assert hidden.returncode == shown.returncode == 0, hidden.stderr + shown.stderr
    assert "2 run(s), newest first" in hidden.stdout
    assert not any(run_id[:8] in hidden.stdout for run_id in stored["wf_runs"] + stored["cells"])
    assert hidden.stdout.splitlines()[-3:] == [  # the user's sweep apart from the walk-forward's own (trial 16)
        "+ 1 sweep with 2 cells hidden,",
        "+ 1 walk-forward with 5 sweeps, 5 cells and 5 runs hidden:",
        "  --cells show lists them too, --cells only the sweep cells alone"]
    assert "14 run(s)" in shown.stdout and "hidden" not in shown.stdout
    assert max(len(line) for line in (hidden.stdout + hidden.stderr).splitlines()) <= 80
    with pg.uow() as uow:  # walk-forward runs alone (no sweep cell left): they are counted without sweeps
        uow.session.execute(delete(Run).where(Run.sweep_id.is_not(None)))
        uow.commit()
    alone = weaver("runs", "list", env=env, timeout=60)
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout.splitlines()[-2:] == [
        "+ 1 walk-forward with 5 runs hidden:", "  --cells show lists them too, --cells only the sweep cells alone"]


def test_runs_list_returns_have_two_decimals(pg: Container, cli_env: dict[str, str]) -> None:
    store_daily_bars(pg, "AAPL", days=300)
    services = build_services(pg.settings, container=pg)
    run = services.runs.create(RunCreate(strategy="buy_and_hold", start_now=True, symbols=["AAPL"]))
    assert services.backtests.execute(run.id) == "completed"
    figures = _figures(pg, run.id)

    listed = weaver("runs", "list", env={**cli_env, "COLUMNS": "80"}, timeout=60)

    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(run.id[:8])).split()
    assert row[-2:] == [f"{figures['total_return_pct']:,.2f}", f"{figures['sharpe']:,.2f}"]
