"""The exchange's market-data WebSocket: delay from a bar's close to its arrival at 20 subscribers.

Issue 16's bound: within 50 ms (p99). Each server runs in its own process, the 20 clients share one
asyncio loop in this one, speaking alpaca-py's protocol (msgpack, auth, subscribe to bars). The peer,
measured in the same minute, is the floor of a push on this machine now: a bare `websockets` server that
sends a msgpack bar to the same 20 clients at each second's boundary.

Usage: flock /tmp/weaver-bench.lock .venv/bin/python -m benchmarks.data_stream_latency [--clients 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time

import msgpack
import websockets

from benchmarks.common import percentile

KEY, SECRET = "BENCHKEY", "BENCHSECRET"


def run_exchange(ports: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    from app.exchange import AccountConfig, ExchangeConfig, ExchangeServer

    config = ExchangeConfig(accounts=(AccountConfig("bench", KEY, SECRET),), bar_seconds=1)
    with ExchangeServer(config) as server:
        ports.put(server.port)
        stop.wait()


def run_peer(ports: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    """The same protocol's happy path, with nothing behind it but a timer at each second."""

    async def handler(ws) -> None:  # noqa: ANN001
        await ws.send(msgpack.packb([{"T": "success", "msg": "connected"}]))
        await ws.recv()
        await ws.send(msgpack.packb([{"T": "success", "msg": "authenticated"}]))
        await ws.recv()
        await ws.send(msgpack.packb([{"T": "subscription", "bars": ["AAPL"]}]))
        clients.add(ws)
        await ws.wait_closed()
        clients.discard(ws)

    async def ticker() -> None:
        while not stop.is_set():
            now = time.time()
            await asyncio.sleep(int(now) + 1 - now)
            close = int(time.time())
            frame = msgpack.packb([{"T": "b", "S": "AAPL", "t": msgpack.Timestamp(close - 1), "o": 1.0, "h": 1.0,
                                    "l": 1.0, "c": 1.0, "v": 1, "n": 1, "vw": 1.0}])
            for ws in list(clients):
                await ws.send(frame)

    async def main() -> None:
        async with websockets.serve(handler, "127.0.0.1", 0) as server:
            ports.put(server.sockets[0].getsockname()[1])
            await ticker()

    clients: set = set()
    asyncio.run(main())


async def subscriber(url: str, seconds: float, delays: list[float]) -> None:
    async with websockets.connect(url, additional_headers={"Content-Type": "application/msgpack"}) as ws:
        await ws.recv()
        await ws.send(msgpack.packb({"action": "auth", "key": KEY, "secret": SECRET}))
        await ws.recv()
        await ws.send(msgpack.packb({"action": "subscribe", "bars": ["AAPL"]}))
        await ws.recv()
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=2)
            except TimeoutError:
                continue
            arrived = time.time()
            for message in msgpack.unpackb(frame):
                if message.get("T") == "b":
                    delays.append(arrived - (message["t"].to_unix() + 1))  # the 1 s bar closes 1 s after t


def measure(target, clients: int, seconds: float) -> list[float]:  # noqa: ANN001
    ports: multiprocessing.Queue = multiprocessing.Queue()
    stop = multiprocessing.Event()
    process = multiprocessing.Process(target=target, args=(ports, stop), daemon=True)
    process.start()
    port = ports.get(timeout=30)
    delays: list[float] = []

    async def everyone() -> None:
        url = f"ws://127.0.0.1:{port}/v2/iex"
        await asyncio.gather(*(subscriber(url, seconds, delays) for _ in range(clients)))

    try:
        asyncio.run(everyone())
    finally:
        stop.set()
        process.join(10)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    ours = measure(run_exchange, args.clients, args.seconds)
    peer = measure(run_peer, args.clients, args.seconds)
    rows = []
    for name, delays in (("weaver exchange", ours), ("bare websockets peer", peer)):
        p50, p99 = percentile(delays, 0.5) * 1000, percentile(delays, 0.99) * 1000
        rows.append((p50, p99))
        print(f"{name:22s} bars={len(delays):4d}  close->client p50={p50:6.1f} ms  p99={p99:6.1f} ms")
    (ours_p50, ours_p99), (peer_p50, peer_p99) = rows
    print(f"ratio ours/peer: p50 {ours_p50 / max(peer_p50, 0.01):.2f}x  p99 {ours_p99 / max(peer_p99, 0.01):.2f}x")
    print(f"bound (issue 16): p99 <= 50 ms -> {'met' if ours_p99 <= 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
