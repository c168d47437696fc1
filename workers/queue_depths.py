"""How many messages wait in each Dramatiq queue, for the metrics: read from Redis with one pipeline
(Dramatiq's own layout: a list of waiting ids, a hash of every message not yet acked, a delay queue
and a dead-letter set per queue), or from the StubBroker's in-memory queues."""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name, xq_name

from workers.queues import QUEUES


def queue_depths(broker: dramatiq.Broker, client: Any = None) -> dict[str, dict[str, int]]:
    """{queue: {waiting, in_flight, delayed, dead}} for the backtest and live queues. `client`: a
    Redis client with timeouts (the broker's own has none: a scrape must not hang on a lost Redis)."""
    if isinstance(broker, RedisBroker):
        return _redis(broker, client or broker.client)
    if isinstance(broker, StubBroker):
        return _stub(broker)
    return {}


def _redis(broker: RedisBroker, client: Any) -> dict[str, dict[str, int]]:
    pipe = client.pipeline(transaction=False)
    for queue in QUEUES:
        key = f"{broker.namespace}:{queue}"
        pipe.llen(key)
        pipe.hlen(f"{key}.msgs")
        pipe.llen(f"{broker.namespace}:{dq_name(queue)}")
        pipe.zcard(f"{broker.namespace}:{xq_name(queue)}")
    answers = pipe.execute()
    depths: dict[str, dict[str, int]] = {}
    for index, queue in enumerate(QUEUES):
        waiting, unacked, delayed, dead = (int(n) for n in answers[index * 4:index * 4 + 4])
        depths[queue] = {"waiting": waiting, "in_flight": max(0, unacked - waiting), "delayed": delayed,
                         "dead": dead}
    return depths


def _stub(broker: StubBroker) -> dict[str, dict[str, int]]:
    depths: dict[str, dict[str, int]] = {}
    for queue in QUEUES:
        waiting = broker.queues.get(queue)
        delayed = broker.queues.get(dq_name(queue))
        depths[queue] = {"waiting": waiting.qsize() if waiting is not None else 0,
                         "delayed": delayed.qsize() if delayed is not None else 0,
                         "dead": len(broker.dead_letters_by_queue.get(queue, ()))}
    return depths
