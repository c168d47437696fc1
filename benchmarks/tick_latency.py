"""Tick-to-order latency: from a bar's boundary to the order acknowledged by the local exchange.

The full live path on Postgres and Redis: the scheduler fires each bar's tick (boundary + settle
delay), the pinned live worker (one process, one thread) runs the strategy for the run and
submits through alpaca-py over HTTP; the exchange stamps the order's `submitted_at`. Ten paper runs
on one-second bars each order on every bar; 200 ticks are measured. Reported with and without the
configured settle delay (the wait for a bar's last trades, which is deliberate, not latency).

Usage: .venv/bin/python -m benchmarks.tick_latency [--runs 10] [--ticks 200] [--settle-ms 200]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import redis
import requests
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import QueryOrderStatus
from alpaca.trading.requests import GetOrdersRequest
from sqlalchemy import create_engine, text

from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer, SymbolConfig
from app.logs import configure_logging
from app.standalone.embedded import Embedded
from app.standalone.home import Home
from benchmarks.common import percentile, scratch_postgres

REDIS_URL = os.environ.get("WEAVER_TEST_REDIS", "redis://127.0.0.1:6379/0")
ACCOUNT = AccountConfig("paper", "PK-BENCH", "bench-secret", "10000000")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--settle-ms", type=int, default=200)
    args = parser.parse_args()
    configure_logging("WARNING", "console")
    config = ExchangeConfig(symbols=(SymbolConfig("AAPL", 190.0), SymbolConfig("MSFT", 410.0)), accounts=(ACCOUNT,),
                            seed=1, bar_seconds=1, hours="always")
    namespace = f"weaver-bench-{uuid.uuid4().hex[:8]}"
    with ExchangeServer(config) as exchange, scratch_postgres() as url, \
            tempfile.TemporaryDirectory(prefix="weaver-bench-") as home:
        embedded = Embedded(Home(Path(home)), port=0, exchange_enabled=False, queue_namespace=namespace,
                            settings_overrides={
                                "database_url": url, "broker": "redis", "redis_url": REDIS_URL,
                                "settle_delay_ms": args.settle_ms, "alpaca_paper_key_id": ACCOUNT.key,
                                "alpaca_paper_secret_key": ACCOUNT.secret, "alpaca_paper_base_url": exchange.url,
                                "alpaca_paper_data_url": exchange.url, "alpaca_paper_stream_url": exchange.stream_url})
        try:
            base, token = embedded.start().split("/?token=")
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {token}"
            run_ids = []
            for i in range(args.runs):
                created = session.post(f"{base}/api/v1/runs", json={
                    "mode": "paper", "strategy": "benchmarks.strategies:BuyEveryBar", "params": {"size": 1},
                    "symbols": ["AAPL" if i % 2 == 0 else "MSFT"], "timeframe": "1Sec", "cash": "100000",
                    "start_now": True})
                created.raise_for_status()
                run_ids.append(created.json()["id"])
            # Wait by counting the orders Weaver recorded (one cheap query a second): listing hundreds of
            # orders from the exchange every second would load the very process being measured.
            wanted, deadline = args.ticks + args.runs * 2, time.monotonic() + args.ticks / args.runs * 3 + 60
            counter = create_engine(url)
            with counter.connect() as conn:
                while conn.execute(text("SELECT count(*) FROM orders")).scalar_one() < wanted \
                        and time.monotonic() < deadline:
                    conn.rollback()
                    time.sleep(1.0)
            counter.dispose()
            for run_id in run_ids:
                session.post(f"{base}/api/v1/runs/{run_id}/stop", json={})
            trading = TradingClient(ACCOUNT.key, ACCOUNT.secret, url_override=exchange.url)
            orders = trading.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, limit=500))
        finally:
            embedded.stop()
            keys = redis.Redis.from_url(REDIS_URL).keys(f"{namespace}*")
            if keys:
                redis.Redis.from_url(REDIS_URL).delete(*keys)
    by_run: dict[str, list[tuple[int, float]]] = {}
    for order in orders:
        run_id, bar_seconds, _ = order.client_order_id.rsplit("-", 2)
        boundary = datetime.fromtimestamp(int(bar_seconds) + 1, order.submitted_at.tzinfo)
        by_run.setdefault(run_id, []).append((int(bar_seconds),
                                              (order.submitted_at - boundary) / timedelta(milliseconds=1)))
    # Each run's first tick also fetches its warm-up history: leave it out, then take the first ticks.
    ticks = sorted(tick for found in by_run.values() for tick in sorted(found)[1:])
    measured = [ms for _, ms in ticks[: args.ticks]]
    settle = args.settle_ms
    print(f"tick-to-order latency, {args.runs} paper runs on 1Sec bars, {len(measured)} ticks "
          f"(bar boundary → order acknowledged by the local exchange):")
    print(f"  p50 {percentile(measured, 0.5):.0f} ms, p99 {percentile(measured, 0.99):.0f} ms, "
          f"max {max(measured):.0f} ms (including the {settle} ms settle delay)")
    print(f"  after the settle delay: p50 {percentile(measured, 0.5) - settle:.0f} ms, "
          f"p99 {percentile(measured, 0.99) - settle:.0f} ms")


if __name__ == "__main__":
    main()
