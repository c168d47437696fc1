"""The drift report of a 10,000-bar paper run against a backtest of the same bars.

Target (issue 13): the report costs no more than a backtest of the same bars plus a second.
The paper run is made up in a scratch Postgres database: its orders, fills, equity points and ticks
are those of a Greta run over the bars (so every decision matches and every fill is compared), and
the bars are stored with 300 warm-up bars before the first tick. Timed, best of `--repeat`:
1. the backtest: load the bars from the database into arrays, run Greta (as a backtest worker does);
2. the drift report: the same plus reading the run's records, lining up and summarising.

Usage: .venv/bin/python -m benchmarks.drift_report [--bars 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import uuid
from decimal import Decimal

from sqlalchemy import insert

from app.bootstrap import bootstrap
from app.config import load_settings
from app.greta import BacktestConfig, run_backtest
from app.greta.data import synthetic_bars
from app.marvin import BarFrame
from app.services.drift import drift_report
from app.walle.models import EquityPoint, Fill, LiveTick, Order, Run
from app.walle.repositories import BarRepository
from benchmarks.common import scratch_postgres

WARMUP = 300
PARAMS = {"fast": 10, "slow": 30, "percent": 20.0}


def make_paper_run(container, frame: BarFrame) -> str:  # type: ignore[no-untyped-def]
    """A paper run whose records are a Greta run's over `frame` (the first WARMUP bars warm-up only)."""
    with container.uow() as uow:
        run = Run(mode="paper", strategy="sma_cross", params=PARAMS, symbols=["BENCH"], timeframe="1Min",
                  cash=Decimal("100000"), fees={"model": "none"}, slippage={"model": "none"}, options={},
                  status="running")
        uow.session.add(run)
        uow.session.flush()
        run_id = run.id
        uow.bars.insert_columns("BENCH", "1Min", frame.ts, frame.open, frame.high, frame.low, frame.close,
                                frame.volume, source="synthetic")
        config = BacktestConfig("sma_cross", PARAMS, cash=Decimal("100000"), run_id=run_id)
        result = run_backtest(config, [frame], warmup=WARMUP)
        ids = {o.id: str(uuid.uuid4()) for o in result.orders}
        uow.session.execute(insert(Order), [
            {"id": ids[o.id], "run_id": run_id, "client_order_id": o.client_order_id, "symbol": o.symbol,
             "side": o.side, "type": o.type, "time_in_force": o.time_in_force, "qty": o.qty or o.filled_qty,
             "percent": o.percent, "status": o.status, "filled_qty": o.filled_qty,
             "filled_avg_price": o.filled_avg_price, "bar_ts": o.submitted_at, "submitted_at": o.submitted_at,
             "filled_at": o.filled_at, "history": []} for o in result.orders])
        uow.session.execute(insert(Fill), [
            {"run_id": run_id, "order_id": ids[f.order_id], "symbol": f.symbol, "side": f.side, "qty": f.qty,
             "price": f.price, "fee": f.fee, "ts": f.ts} for f in result.fills])
        points = result.equity.points()[WARMUP:]
        uow.session.execute(insert(EquityPoint), [
            {"run_id": run_id, "ts": p.ts, "equity": p.equity, "cash": p.cash} for p in points])
        uow.session.execute(insert(LiveTick), [
            {"run_id": run_id, "bar_ts": p.ts, "status": "done"} for p in points])
        uow.commit()
    return run_id


def best(action, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - started)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bars", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = synthetic_bars("BENCH", args.bars + WARMUP, seed=4, timeframe="1Min", volatility=0.4)
    with scratch_postgres() as url:
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20),
                              listen=False)
        try:
            run_id = make_paper_run(container, frame)

            def backtest():  # type: ignore[no-untyped-def]
                with container.read_session() as session:
                    loaded = BarRepository(session).load("BENCH", "1Min")
                bars = BarFrame("BENCH", "1Min", loaded.ts, loaded.open, loaded.high, loaded.low, loaded.close,
                                loaded.volume)
                return run_backtest(BacktestConfig("sma_cross", PARAMS, cash=Decimal("100000")), [bars])

            def report():  # type: ignore[no-untyped-def]
                with container.read_session() as session:
                    return drift_report(session, run_id)

            backtest_s, result = best(backtest, args.repeat)
            drift_s, found = best(report, args.repeat)
        finally:
            container.close()
    s = found.summary  # type: ignore[attr-defined]
    print(f"bars: {args.bars:,} traded + {WARMUP} warm-up; orders: {len(result.orders):,}; "  # type: ignore[attr-defined]
          f"decisions lined up: {s.decisions:,} ({s.identical_pct:.1f} % identical)")
    print(f"backtest of the same bars (load + run): {backtest_s * 1000:,.0f} ms")
    print(f"drift report (load + replay + records + line-up): {drift_s * 1000:,.0f} ms")
    verdict = "within" if drift_s <= backtest_s + 1 else "OVER"
    print(f"drift - backtest: {(drift_s - backtest_s) * 1000:+,.0f} ms ({verdict} the 1 s budget)")


if __name__ == "__main__":
    main()
