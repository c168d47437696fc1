"""Outbox: events/s written in batches of 100, events/s delivered to a listener, and commit→listener
delivery latency at 1,000 events/s.

Usage: .venv/bin/python -m benchmarks.outbox_throughput [--events 50000]
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import UTC, datetime

from app.bootstrap import bootstrap
from app.config import load_settings
from app.events import Event
from app.events.reader import last_seq, read_events
from benchmarks.common import percentile, scratch_postgres


def make_event(index: int) -> Event:
    return Event(type="run.started", payload={"run_id": f"r{index % 50}", "status": "running"}, run_id=f"r{index % 50}")


def write_throughput(container, total: int, batch: int = 100) -> float:
    started = time.perf_counter()
    for first in range(0, total, batch):
        with container.uow() as uow:
            uow.outbox.append_many(make_event(i) for i in range(first, first + batch))
            uow.commit()
    return total / (time.perf_counter() - started)


def delivery_throughput(container, total: int, batch: int = 100) -> float:
    """Events/s from the first commit until a LISTENing reader has read all `total`, writing flat out."""
    assert container.notifier.wait_until_listening(5)
    with container.read_session() as session:
        start_seq = last_seq(session)
    seen = threading.Event()

    def listen() -> None:
        seq, count, version = start_seq, 0, container.notifier.version
        while count < total:
            version = container.notifier.wait(version, timeout=0.2)
            with container.read_session() as session:
                events = read_events(session, seq, limit=5000)
            while events:
                count += len(events)
                seq = events[-1].seq
                with container.read_session() as session:
                    events = read_events(session, seq, limit=5000)
        seen.set()

    listener = threading.Thread(target=listen)
    listener.start()
    started = time.perf_counter()
    for first in range(0, total, batch):
        with container.uow() as uow:
            uow.outbox.append_many(make_event(i) for i in range(first, first + batch))
            uow.commit()
    seen.wait(60)
    elapsed = time.perf_counter() - started
    listener.join(5)
    return total / elapsed


def delivery_latency(container, rate: int, seconds: float) -> list[float]:
    """A writer commits `rate` events/s in batches of 10; a listener measures commit→read time."""
    assert container.notifier.wait_until_listening(5)
    latencies: list[float] = []
    done = threading.Event()
    commit_times: dict[str, float] = {}

    def listen() -> None:
        with container.read_session() as session:
            seq = last_seq(session)
        version = container.notifier.version
        while not done.is_set() or commit_times:
            version = container.notifier.wait(version, timeout=0.2)
            with container.read_session() as session:
                events = read_events(session, seq)
            now = time.perf_counter()
            for event in events:
                seq = event.seq
                committed = commit_times.pop(event.id, None)
                if committed is not None:
                    latencies.append(now - committed)
            if done.is_set() and not events:
                break

    listener = threading.Thread(target=listen)
    listener.start()
    interval = 10 / rate
    next_at = time.perf_counter()
    end = next_at + seconds
    index = 0
    while time.perf_counter() < end:
        events = [make_event(index + k) for k in range(10)]
        index += 10
        with container.uow() as uow:
            uow.outbox.append_many(events)
            uow.commit()
        now = time.perf_counter()
        for event in events:
            commit_times[event.id] = now
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    done.set()
    listener.join(10)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    with scratch_postgres() as url:
        settings = load_settings(_env_file=None, database_url=url, broker="memory", api_token="x" * 20)
        container = bootstrap(settings)
        try:
            rate = write_throughput(container, args.events)
            print(f"outbox write: {rate:,.0f} events/s ({args.events:,} events, batches of 100, one commit each)")
            delivered = delivery_throughput(container, args.events)
            print(f"written and delivered to a LISTENing reader: {delivered:,.0f} events/s "
                  f"(first commit → last event read, {args.events:,} events)")
            latencies = delivery_latency(container, args.rate, args.seconds)
            ms = [x * 1000 for x in latencies]
            print(
                f"delivery at {args.rate:,} events/s over {args.seconds:.0f}s ({len(ms):,} events): "
                f"p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
            )
        finally:
            container.close()
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
