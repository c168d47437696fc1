"""SSE: latency from outbox commit to a connected client, 50 clients, 500 events/s, under gunicorn.

Usage: .venv/bin/python -m benchmarks.sse_latency [--clients 50] [--rate 500] [--seconds 20]
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import threading
import time
from multiprocessing import Process, Queue

from app.bootstrap import bootstrap
from app.config import load_settings
from app.events import Event
from benchmarks.common import percentile, scratch_postgres
from benchmarks.server import free_port, start_web

TOKEN = "benchmark-token-0123456789"


ID = re.compile(rb'"id": "([^"]+)"')


def listen(port: int, stop_at: float, ready: threading.Event, received: dict[str, float]) -> None:
    """One SSE connection over a raw socket (HTTP/1.0, so no chunked framing): note when each event id
    first arrives. Cheap on purpose, so 50 clients on a two-core machine measure the server, not us."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"GET /api/v1/stream?token={TOKEN} HTTP/1.0\r\nAccept: text/event-stream\r\n\r\n".encode())
        sock.settimeout(1.0)
        ready.set()
        tail = b""
        while time.monotonic() < stop_at:
            try:
                chunk = sock.recv(1 << 16)
            except TimeoutError:
                continue
            if not chunk:
                break
            now = time.monotonic()
            buffer = tail + chunk
            cut = buffer.rfind(b"\n\n") + 2
            for match in ID.finditer(buffer, 0, cut):
                received.setdefault(match.group(1).decode(), now)
            tail = buffer[cut:]


def client_process(port: int, clients: int, stop_at: float, out: Queue, started: Queue) -> None:
    readies = [threading.Event() for _ in range(clients)]
    received: list[dict[str, float]] = [{} for _ in range(clients)]
    threads = [threading.Thread(target=listen, args=(port, stop_at, readies[i], received[i]), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for ready in readies:
        ready.wait(30)
    started.put(clients)
    for thread in threads:
        thread.join()
    out.put(received)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with scratch_postgres() as url:
        port = free_port()
        web = start_web(url, port, TOKEN)
        container = bootstrap(load_settings(_env_file=None, database_url=url, broker="memory", api_token=TOKEN),
                              listen=False)
        stop_at = time.monotonic() + args.seconds + 15
        out: Queue = Queue()
        started: Queue = Queue()
        shares = [args.clients // 2, args.clients - args.clients // 2]
        listeners = [Process(target=client_process, args=(port, n, stop_at, out, started)) for n in shares]
        for process in listeners:
            process.start()
        for _ in listeners:
            started.get(timeout=60)
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
            now = time.monotonic()
            for event in events:
                committed[event.id] = now
            count += batch
            next_at += interval
            time.sleep(max(0.0, next_at - time.perf_counter()))
        per_client = [got for _ in listeners for got in out.get(timeout=60)]
        for process in listeners:
            process.join()
        latencies = [(got[eid] - committed[eid]) * 1000 for got in per_client for eid in committed if eid in got]
        delivered = sum(1 for got in per_client for eid in committed if eid in got)
        expected = len(committed) * args.clients
        print(f"SSE fan-out: {args.clients} clients, {count:,} events at {count / args.seconds:,.0f} events/s "
              f"under gunicorn (2 workers, gevent)")
        print(f"  delivered {delivered:,} of {expected:,} ({delivered / expected:.2%})")
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(f"  commit→client latency: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {max(latencies):.1f} ms")
        container.close()
        web.terminate()
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:  # open streams keep gunicorn's graceful stop waiting
            web.kill()


if __name__ == "__main__":
    main()
