"""Storing a finished backtest in Postgres, against the ways it was stored before, alternating in the same
minutes on the same database, each into a run of its own inside one transaction as a worker's store does.

1. The equity curve: binary COPY rows built by numpy (app/walle/binary_copy.py) against the text COPY it
   replaced (a string per time and per amount, joined into lines), for a walk-forward fold's out-of-sample
   run (3,200 points) and a million-bar backtest.
2. The orders, fills and trades of the million-bar SMA 10/20 run (54,407 + 54,407 + 27,203 records): COPY
   text lines made from the records (app/services/ledger_copy.py) against a dict per record handed to
   psycopg's write_row (results.ledger_rows, as SQLite's store still builds them), with the
   engine's own run of those bars beside them.

Printed: the best of `--rounds` wall time (what the store waits for, Postgres's side included) and CPU
time of this process (what the worker spends formatting), with the ratios.

Usage: .venv/bin/python -m benchmarks.result_store [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import numpy as np

from app.bootstrap import build_services
from app.config import load_settings
from app.greta.data import synthetic_bars
from app.greta.engine import BacktestConfig, run_backtest
from app.greta.records import BacktestResult, EquityCurve
from app.services.results import _write_equity, _write_ledger, ledger_rows
from app.walle.bulk import bulk_insert
from app.walle.models import Fill, Order, Run, Trade
from app.walle.uow import UnitOfWork
from benchmarks.common import scratch_postgres

SIZES = (3_200, 1_000_000)


def text_copy(uow: UnitOfWork, run_id: str, curve: EquityCurve) -> None:
    """The text COPY as results._write_equity wrote it until 2026-12-07 (the peer)."""
    stamps = (np.datetime_as_string((curve.ts // 1000).astype("datetime64[us]"), unit="us") + "Z").tolist()

    def e4_text(values: np.ndarray) -> list[str]:
        whole, frac = np.divmod(np.abs(values), 10_000)
        sign = np.where(values < 0, "-", "")
        return [f"{s}{w}.{f:04d}" for s, w, f in zip(sign.tolist(), whole.tolist(), frac.tolist(), strict=True)]

    columns = [e4_text(curve.equity_e4), e4_text(curve.cash_e4), e4_text(curve.benchmark_e4)]
    lines = zip([run_id] * len(stamps), stamps, *columns, strict=True)
    payload = ("\n".join(map("\t".join, lines)) + "\n").encode()
    cursor = uow.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy("COPY equity_points (run_id, ts, equity, cash, benchmark) FROM STDIN") as copy:
        copy.write(payload)


def curve_of(points: int) -> EquityCurve:
    ts = np.arange(points, dtype=np.int64) * 60 * 10**9 + 1_700_000_000 * 10**9
    equity = (10**9 + np.cumsum(np.random.default_rng(1).integers(-5_000, 5_000, points))).astype(np.int64)
    return EquityCurve(ts, equity, equity - 123_456, equity + 7)


def rows_copy(uow: UnitOfWork, run_id: str, result: BacktestResult) -> None:
    """The ledger as a dict per record through psycopg's write_row (the peer)."""
    rows = ledger_rows(run_id, result)
    for model in (Order, Fill, Trade):
        bulk_insert(uow.session, model.__table__, rows[model.__tablename__])  # type: ignore[arg-type]


def timed(services, write: Callable[[UnitOfWork, str], None], run_id: str | None = None  # noqa: ANN001
          ) -> tuple[float, float]:
    with services.uow() as uow:
        run = uow.runs.add(Run(id=run_id or str(uuid.uuid4()), mode="backtest", strategy="sma_cross", params={},
                               symbols=["SYN"], timeframe="1Min",
                               cash=Decimal("100000"), fees={}, slippage={}, options={}, status="created"))
        uow.session.flush()
        wall, cpu = time.perf_counter(), time.process_time()
        write(uow, run.id)
        uow.session.flush()
        taken = time.perf_counter() - wall, time.process_time() - cpu
        uow.commit()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with scratch_postgres() as url:
        services = build_services(load_settings(_env_file=None, database_url=url, broker="memory",
                                                api_token="benchmark-token-0123456789"), listen=False)
        try:
            for points in SIZES:
                curve = curve_of(points)
                ways = {"text COPY (before)": lambda uow, run_id, curve=curve: text_copy(uow, run_id, curve),
                        "binary COPY (numpy rows)": lambda uow, run_id, curve=curve: _write_equity(
                            uow, run_id, SimpleNamespace(equity=curve))}  # type: ignore[arg-type]
                best: dict[str, tuple[float, float]] = {}
                for _ in range(args.rounds):
                    for name, write in ways.items():
                        wall, cpu = timed(services, write)
                        was = best.get(name, (float("inf"), float("inf")))
                        best[name] = (min(was[0], wall), min(was[1], cpu))
                print(f"{points:,} equity points, best of {args.rounds}:")
                for name, (wall, cpu) in best.items():
                    print(f"  {name:26s} {wall * 1000:9.1f} ms wall  {cpu * 1000:9.1f} ms CPU in this process")
                (text_wall, text_cpu), (binary_wall, binary_cpu) = best.values()
                print(f"  binary / text: wall ×{binary_wall / text_wall:.2f}, CPU here ×{binary_cpu / text_cpu:.2f}")
            ledger(services, args.rounds)
        finally:
            services.close()


def ledger(services, rounds: int) -> None:  # noqa: ANN001
    frame = synthetic_bars("SYN", 1_000_000, seed=42, timeframe="1Min")
    config = BacktestConfig("sma_cross", {"fast": 10, "slow": 20, "percent": 100.0}, cash=Decimal("100000"))
    best: dict[str, tuple[float, float]] = {}
    for _ in range(rounds):
        run_id = str(uuid.uuid4())  # (its client order ids name the run: each write is a run of its own)
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_backtest(replace(config, run_id=run_id), [frame])
        took = {"the engine's run": (time.perf_counter() - wall, time.process_time() - cpu)}
        result.orders, result.fills, result.trades  # noqa: B018 - the records both ways read, built once
        took["dict rows, write_row (before)"] = timed(
            services, lambda uow, rid, result=result: rows_copy(uow, rid, result), run_id)
        result = run_backtest(replace(config, run_id=(run_id := str(uuid.uuid4()))), [frame])
        result.orders, result.fills, result.trades  # noqa: B018
        took["COPY lines (ledger_copy)"] = timed(
            services, lambda uow, rid, result=result: _write_ledger(uow, rid, result), run_id)
        for name, (wall, cpu) in took.items():
            was = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(was[0], wall), min(was[1], cpu))
    print(f"orders, fills and trades of a 1,000,000-bar sma_cross 10/20 run "
          f"({len(result.orders):,} + {len(result.fills):,} + {len(result.trades):,} records), best of {rounds}:")
    for name, (wall, cpu) in best.items():
        print(f"  {name:30s} {wall:7.2f} s wall  {cpu:7.2f} s CPU in this process")
    (engine, _), (before, before_cpu), (after, after_cpu) = best.values()
    print(f"  COPY lines / dict rows: wall ×{after / before:.2f}, CPU here ×{after_cpu / before_cpu:.2f}; "
          f"the store against the engine's run: ×{after / engine:.1f} (was ×{before / engine:.1f})")


if __name__ == "__main__":
    main()
