"""A walk-forward executed as the workers do (each fold's sweep creates its cells, the cells run in
messages): each fold's chosen parameters are the ones a brute-force loop over plain backtests of the
fold's train window finds, and the out-of-sample runs cover the test windows, with their warm-up."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from sqlalchemy import select

from app.bootstrap import Container, build_services
from app.cli import main
from app.events.commands import StartBacktests
from app.greta.stitch import annualised_pct
from app.marvin.bars import ns_to_datetime
from app.services.walkforward_specs import WalkforwardCreate
from app.walle.models import Run, Sweep, Walkforward
from app.walle.repositories import BarRepository, RunRecords, RunRepository
from tests.integration.api.conftest import issued

SETTINGS = {"symbols": ["AAPL"], "timeframe": "1Day", "cash": "10000"}
GRID = {"fast": [5, 8], "slow": [20, 30]}
START = datetime.fromisoformat("2023-01-02T00:00:00+00:00")
MIN_TRADES = 1  # fold 0's best return (5, 30) closes no trade: it must not be chosen


def store_walk(pg: Container, days: int = 250) -> None:
    """Daily bars of a seeded random walk (stored as store_daily_bars does): unlike a pure sine, its folds
    favour different cells (seed 0, with at least one trade: (5, 20), (8, 30), (5, 20))."""
    closes = np.round(100 * np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.02, days))), 2)
    ts = np.array([int((START + timedelta(days=i)).timestamp()) * 10**9 for i in range(days)], dtype=np.int64)
    close = [Decimal(str(c)) for c in closes]
    with pg.uow() as uow:
        uow.bars.insert_columns("AAPL", "1Day", ts, close, [c + 1 for c in close], [c - 1 for c in close], close,
                                [1000] * days, source="test")
        uow.commit()


def write_csv(pg: Container, folder: Path, first: datetime, last: datetime) -> Path:
    """The stored bars of [first, last] as a Yahoo-style CSV, what a user would give `weaver backtest`."""
    with pg.read_session() as session:
        bars = BarRepository(session).load("AAPL", "1Day", first, last)
    path = folder / f"AAPL-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    rows = ["Date,Open,High,Low,Close,Volume"] + [
        f"{ns_to_datetime(int(t)):%Y-%m-%d},{float(o)!r},{float(h)!r},{float(lo)!r},{float(c)!r},{int(v)}"
        for t, o, h, lo, c, v in zip(bars.ts, bars.open, bars.high, bars.low, bars.close, bars.volume, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path


def weaver_backtest(csv: Path, params: dict, *extra: str) -> dict:
    """`weaver backtest` on the file, as a user runs it; its --json result."""
    out = csv.with_suffix(f".{'-'.join(f'{k}{v}' for k, v in params.items())}{''.join(extra)}.json")
    args = ["backtest", "--strategy", "sma_cross", "--data", str(csv), "--symbol", "AAPL", "--cash", "10000",
            "--quiet", "--json", str(out), *extra]
    for name, value in params.items():
        args += ["--param", f"{name}={value}"]
    result = CliRunner().invoke(main, args, env={"WEAVER_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


def brute_force_best(csv: Path) -> dict:
    """The best cell by total return with MIN_TRADES trades, by `weaver backtest` in grid order (the first
    wins a tie)."""
    best, best_value = None, None
    for fast in GRID["fast"]:
        for slow in GRID["slow"]:
            metrics = weaver_backtest(csv, {"fast": fast, "slow": slow})["metrics"]
            if metrics["trades"] < MIN_TRADES:
                continue
            if best_value is None or metrics["total_return_pct"] > best_value:
                best, best_value = {"fast": fast, "slow": slow}, metrics["total_return_pct"]
    return best


def test_a_walk_forward_chooses_each_folds_brute_force_best_and_runs_it_out_of_sample(pg: Container,
                                                                                       tmp_path: Path) -> None:
    store_walk(pg)
    services = build_services(pg.settings, container=pg)
    wf = services.walkforwards.create(WalkforwardCreate(
        strategy="sma_cross", grid=GRID, folds={"kind": "rolling", "train": 100, "test": 50, "warmup": 40},
        objective="total_return_pct", direction="max", min_trades=MIN_TRADES, **SETTINGS))
    assert wf.status == "optimising" and len(wf.folds) == 3
    day = timedelta(days=1)
    for k, fold in enumerate(wf.folds):  # rolling: train 100 bars, test the next 50, step 50
        assert datetime.fromisoformat(fold["train_first"]) == START + 50 * k * day
        assert datetime.fromisoformat(fold["train_last"]) == START + (50 * k + 99) * day
        assert datetime.fromisoformat(fold["test_first"]) == START + (50 * k + 100) * day
        assert datetime.fromisoformat(fold["test_last"]) == START + (50 * k + 149) * day

    sweeps = [fold["sweep_id"] for fold in wf.folds] + [wf.contrast["sweep_id"]]
    for sweep_id in sweeps:  # every sweep makes its cells before any cell runs: they fan out together
        assert services.sweeps.create_cells(sweep_id) == "created"
    with pg.read_session() as session:
        cells = {sweep_id: session.scalars(select(Run.id).where(Run.sweep_id == sweep_id)).all()
                 for sweep_id in sweeps}
        assert [len(cells[s]) for s in sweeps] == [4, 4, 4, 4]
    # Four sweeps fan out together: the walk-forward's 16 cells go as 8 messages (sweep_message_size),
    # two of two cells per sweep, where a sweep alone sends its 4 cells as 4 messages.
    batches = [set(c.run_ids) for c in issued(pg) if isinstance(c, StartBacktests)]
    assert sorted(map(len, batches)) == [2] * 8
    assert all(any(batch <= set(cells[s]) for s in sweeps) for batch in batches)
    for n, sweep_id in enumerate((sweeps[2], sweeps[3], sweeps[0], sweeps[1])):  # finishing in any order
        assert services.backtests.execute_many(list(cells[sweep_id])) == "done"
        # The worker that stored the sweep's last cell ran the fold's OOS run (the whole window's contrast
        # run, for the contrast sweep) in the same message, at once; its own message went out too, for a
        # worker that dies first.
        with pg.read_session() as session:
            stored = session.get(Walkforward, wf.id)
            follow = (stored.contrast["run_id"] if sweep_id == sweeps[3] else
                      next(f["oos_run_id"] for f in stored.folds if f["sweep_id"] == sweep_id))
            assert session.get(Run, follow).status == "completed"
            assert stored.status == ("completed" if n == 3 else "optimising")
        assert any(isinstance(c, StartBacktests) and follow in c.run_ids for c in issued(pg))

    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        folds, contrast = stored.folds, stored.contrast
        assert {s.status for s in session.scalars(select(Sweep).where(Sweep.walkforward_id == wf.id))} == {
            "completed"}
    chosen = []
    for fold in folds:
        train = write_csv(pg, tmp_path, datetime.fromisoformat(fold["train_first"]),
                          datetime.fromisoformat(fold["train_last"]))
        best = brute_force_best(train)
        assert {k: fold["params"][k] for k in GRID} == best, fold
        chosen.append(best)
    assert chosen == [{"fast": 5, "slow": 20}, {"fast": 8, "slow": 30}, {"fast": 5, "slow": 20}]  # per fold
    whole = write_csv(pg, tmp_path, START, START + 249 * day)
    assert {k: contrast["params"][k] for k in GRID} == brute_force_best(whole)  # the whole window, in sample

    expected_growth = 1.0
    for k, fold in enumerate(folds):
        assert services.backtests.execute(fold["oos_run_id"]) == "skipped"  # its message: done already
        with pg.read_session() as session:
            run = session.get(Run, fold["oos_run_id"])
            assert run.sweep_id is None and run.params == fold["params"]
            assert run.start_at == START + (50 * k + 100 - 40) * day  # 40 warm-up bars before the test window
            assert run.end_at == START + (50 * k + 149) * day
            metrics = RunRepository(session).metrics([run.id])[run.id]
            positions = RunRecords(session).positions(run.id)
        # The same as `weaver backtest --warmup 40 --close-at-end` on the warm-up and test bars.
        oos = write_csv(pg, tmp_path, run.start_at, run.end_at)
        alone = weaver_backtest(oos, chosen[k], "--warmup", "40", "--close-at-end")
        assert metrics["bars"] == alone["metrics"]["bars"] == 50  # the test window alone
        assert metrics["final_equity"] == alone["metrics"]["final_equity"]
        assert metrics["trades"] == alone["metrics"]["trades"] and alone["positions"] == [] and positions == []
        expected_growth *= float(alone["final_equity"]) / 10000

    assert services.backtests.execute(contrast["run_id"]) == "skipped"
    with pg.read_session() as session:
        stored = session.get(Walkforward, wf.id)
        assert stored.status == "completed"
        contrast_metrics = RunRepository(session).metrics([contrast["run_id"]])[contrast["run_id"]]
    alone = weaver_backtest(whole, chosen_params(contrast))
    assert contrast_metrics["final_equity"] == alone["metrics"]["final_equity"]
    result = stored.result
    assert result["folds_included"] == 3
    assert abs(result["metrics"]["total_return_pct"] - (expected_growth - 1) * 100) < 1e-6
    assert abs(result["metrics"]["final_equity"] - 10000 * expected_growth) < 0.0001
    assert result["metrics"]["bars"] == 150
    # One year for every annualised figure: that of the bars the folds cover (a bar every calendar day here).
    year = result["bars_per_year"]
    assert abs(year - 365.25) < 1e-6
    assert result["metrics"]["bars_per_year"] == result["contrast_metrics"]["bars_per_year"] == result["bars_per_year"]
    for fold in stored.folds:  # each fold's efficiency is its annualised OOS return over its IS one
        with pg.read_session() as session:
            figures = RunRepository(session).metrics([fold["chosen_run_id"], fold["oos_run_id"]])
        inside, outside = figures[fold["chosen_run_id"]], figures[fold["oos_run_id"]]
        is_rate = annualised_pct(inside["total_return_pct"], inside["bars"], year)
        oos_rate = annualised_pct(outside["total_return_pct"], outside["bars"], year)
        if is_rate > 0:
            assert fold["efficiency"] == oos_rate / is_rate
        else:
            assert fold["efficiency"] is None and "not positive" in fold["efficiency_reason"]


def chosen_params(contrast: dict) -> dict:
    return {k: contrast["params"][k] for k in GRID}
