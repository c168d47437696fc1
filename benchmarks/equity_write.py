"""Writing a backtest's equity curve to Postgres: binary COPY rows built by numpy (app/walle/binary_copy.py)
against the text COPY it replaced (a string per time and per amount, joined into lines), alternating in
the same minutes on the same database.

For each size (a walk-forward fold's out-of-sample run, about 3,200 points, and a million-bar backtest),
each way runs `--rounds` times, each into a run of its own, inside one transaction as a backtest's store
does; printed: the best wall time (what the store waits for, Postgres's side included) and the best CPU
time of this process (what the worker spends formatting), with the ratios.

Usage: .venv/bin/python -m benchmarks.equity_write [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import numpy as np

from app.bootstrap import build_services
from app.config import load_settings
from app.greta.records import EquityCurve
from app.services.results import _write_equity
from app.walle.models import Run
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


def timed(services, write: Callable[[UnitOfWork, str], None]) -> tuple[float, float]:  # noqa: ANN001
    with services.uow() as uow:
        run = uow.runs.add(Run(mode="backtest", strategy="sma_cross", params={}, symbols=["SYN"], timeframe="1Min",
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
        finally:
            services.close()


if __name__ == "__main__":
    main()
