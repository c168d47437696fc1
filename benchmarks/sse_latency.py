"""SSE: latency from outbox commit to a connected client, 50 clients, 500 events/s, under gunicorn.

Usage: .venv/bin/python -m benchmarks.sse_latency [--clients 50] [--rate 500] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import requests

from app.bootstrap import bootstrap
from app.config import load_settings
from app.events import Event
from benchmarks.common import percentile, scratch_postgres
from benchmarks.server import free_port, start_web

TOKEN = "benchmark-token-0123456789"


def client(base: str, received: dict[str, float], ready: threading.Event, stop: threading.Event) -> None:
    response = requests.get(f"{base}/api/v1/stream", params={"token": TOKEN}, stream=True, timeout=60)
    ready.set()
    for raw in response.iter_lines(chunk_size=1, decode_unicode=True):
        if stop.is_set():
            break
        if raw and raw.startswith("data: "):
            data = json.loads(raw[6:])
            received.setdefault(data["id"], time.perf_counter())
    response.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with scratch_postgres() as url:
        port = free_port()
        web = start_web(url, port, TOKEN)
        base = f"http://127.0.0.1:{port}"
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                              listen=False)
        stop = threading.Event()
        per_client: list[dict[str, float]] = [{} for _ in range(args.clients)]
        readies = [threading.Event() for _ in range(args.clients)]
        threads = [threading.Thread(target=client, args=(base, per_client[i], readies[i], stop), daemon=True)
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for ready in readies:
            ready.wait(30)
        time.sleep(1.0)
        committed: dict[str, float] = {}
        batch, interval = 5, 5 / args.rate
        next_at, end = time.perf_counter(), time.perf_counter() + args.seconds
        count = 0
        while time.perf_counter() < end:
            events = [Event(type="backtest.progress", run_id="bench",
                            payload={"run_id": "bench", "progress": 0.5, "bars_done": count + k, "bars_total": 1})
                      for k in range(batch)]
            with container.uow() as uow:
                uow.outbox.append_many(events)
                uow.commit()
            now = time.perf_counter()
            for event in events:
                committed[event.id] = now
            count += batch
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        time.sleep(2.0)
        stop.set()
        latencies = [(got[eid] - committed[eid]) * 1000 for got in per_client for eid in committed if eid in got]
        delivered = sum(1 for got in per_client for eid in committed if eid in got)
        expected = len(committed) * args.clients
        print(f"SSE fan-out: {args.clients} clients, {count:,} events at {count / args.seconds:,.0f} events/s "
              f"under gunicorn (2 workers, gthread)")
        print(f"  delivered {delivered:,} of {expected:,} ({delivered / expected:.2%})")
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(f"  commit→client latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms")
        container.close()
        web.terminate()
        web.wait(20)


if __name__ == "__main__":
    main()
