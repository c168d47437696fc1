"""Local exchange: `POST /v2/orders` against `GET /v2/clock` under the same load (issue 16: orders cost at
most 2x the clock at 50 requests/s).

A real `weaver exchange` process (realistic fills, 24/7 hours so it trades at any hour) is driven at a
steady `--rate` requests per second for `--seconds`, alternating a clock read and a one-share market
buy (the account holds $10M, so it never runs out of cash); each request's latency is timed
from the client. The ratio of the medians (and of the 99th percentiles) is the figure that holds on a
shared machine.

Usage: .venv/bin/python -m benchmarks.exchange_orders [--rate 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from benchmarks.common import percentile

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"APCA-API-KEY-ID": "PAPERKEY", "APCA-API-SECRET-KEY": "PAPERSECRET"}


def start_exchange() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", "from app.cli import main; main()", "exchange", "--port", "0", "--hours", "always",
         "--account", "paper:PAPERKEY:PAPERSECRET:10000000"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("WEAVER_")})
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("exchange listening on "):
        process.kill()
        raise SystemExit(f"the exchange did not start: {line!r}")
    return process, line.split()[3]


def drive(url: str, rate: float, seconds: float) -> tuple[list[float], list[float]]:
    session = requests.Session()
    session.headers.update(KEYS)
    clock_ms: list[float] = []
    order_ms: list[float] = []
    interval, start, i = 1 / rate, time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        due = start + i * interval
        time.sleep(max(0.0, due - time.perf_counter()))
        began = time.perf_counter()
        if i % 2 == 0:
            answer = session.get(f"{url}/v2/clock", timeout=10)
            clock_ms.append((time.perf_counter() - began) * 1000)
        else:
            answer = session.post(f"{url}/v2/orders", timeout=10, json={
                "symbol": "AAPL", "qty": "1", "side": "buy", "type": "market", "time_in_force": "day"})
            order_ms.append((time.perf_counter() - began) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"request {i} answered {answer.status_code}: {answer.text}")
        i += 1
    return clock_ms, order_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second, clock and orders together")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    process, url = start_exchange()
    try:
        drive(url, args.rate, 2.0)  # warm-up: imports, first price blocks, connection
        clock_ms, order_ms = drive(url, args.rate, args.seconds)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    p50c, p99c = percentile(clock_ms, 0.5), percentile(clock_ms, 0.99)
    p50o, p99o = percentile(order_ms, 0.5), percentile(order_ms, 0.99)
    print(f"{len(clock_ms) + len(order_ms)} requests at {args.rate:.0f}/s over {args.seconds:.0f} s")
    print(f"  GET /v2/clock    p50 {p50c:6.2f} ms  p99 {p99c:6.2f} ms  ({len(clock_ms)} requests)")
    print(f"  POST /v2/orders  p50 {p50o:6.2f} ms  p99 {p99o:6.2f} ms  ({len(order_ms)} requests)")
    print(f"  orders / clock: p50 x{p50o / p50c:.2f}, p99 x{p99o / p99c:.2f}  (target: <= 2)")


if __name__ == "__main__":
    main()
