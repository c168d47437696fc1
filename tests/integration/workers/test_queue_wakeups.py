"""An idle worker's consumer sleeps until a message is enqueued on its queue (a wake-up published by the
enqueuing process's broker), not until its next poll; a delayed message, another queue or no message
leaves it asleep for its whole fallback, and with Redis away it polls without failing."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import dramatiq
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.conftest import make_settings
from workers.broker import build_broker
from workers.prompt_polling import WOKEN_IDLE_MS, PromptConsumer, poll_queues_promptly
from workers.queue_wakeups import WakeListener


@pytest.fixture
def broker(redis_url: str) -> Iterator[dramatiq.Broker]:
    namespace = f"weaver-test-{uuid.uuid4().hex[:8]}"
    settings = make_settings("postgresql+psycopg://unused/none", broker="redis")
    built, _ = build_broker(settings, namespace=namespace)
    yield built
    built.close()
    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"{namespace}*")
    if keys:
        client.delete(*keys)


def a_message(queue: str) -> dramatiq.Message:
    return dramatiq.Message(queue_name=queue, actor_name="backtest_cells_command", args=({},), kwargs={}, options={})


def asleep(consumer: PromptConsumer) -> tuple[threading.Thread, list[float]]:
    """Call next() in a thread (the consumer is idle: it returns once woken or after its fallback)."""
    ended: list[float] = []
    thread = threading.Thread(target=lambda: (next(consumer), ended.append(time.monotonic())))
    thread.start()
    return thread, ended


def idle_consumer(broker: dramatiq.Broker, queue: str, wait_ms: int) -> PromptConsumer:
    listener = WakeListener(broker.client, broker.namespace, queue)  # type: ignore[attr-defined]
    consumer = PromptConsumer(broker.consume(queue, 1, 1), wait_ms, wake=listener)
    assert next(consumer) is None  # the first look only subscribes: it returns at once
    return consumer


def test_an_enqueue_wakes_the_idle_consumer_at_once_and_it_then_fetches_the_message(broker: dramatiq.Broker) -> None:
    consumer = idle_consumer(broker, "backtest_cells", wait_ms=5_000)
    thread, ended = asleep(consumer)
    time.sleep(0.2)
    assert thread.is_alive() and not ended  # asleep: nothing was enqueued
    sent = time.monotonic()
    broker.enqueue(a_message("backtest_cells"))
    thread.join(5)
    assert ended and ended[0] - sent < 1.0  # woken by the enqueue, not by the 5 s fallback
    fetched = next(consumer)
    assert fetched is not None and fetched.message_id  # the message itself comes by the usual fetch
    consumer.ack(fetched)
    consumer.close()


def test_a_delayed_message_or_another_queues_leaves_it_asleep_for_its_fallback(broker: dramatiq.Broker) -> None:
    consumer = idle_consumer(broker, "backtest_cells", wait_ms=400)
    began = time.monotonic()
    thread, ended = asleep(consumer)
    time.sleep(0.05)
    broker.enqueue(a_message("backtest_cells"), delay=60_000)  # due in a minute: no wake-up now
    broker.enqueue(a_message("live"))  # another queue's
    thread.join(5)
    assert ended and 0.35 <= ended[0] - began < 2.0
    assert next(consumer) is None  # nothing due on its queue
    consumer.close()


def test_wake_ups_that_came_while_busy_wake_it_once() -> None:
    class Subscription:
        def __init__(self) -> None:
            self.pending = [{"type": "subscribe"}] + [{"type": "message"}] * 3

        def subscribe(self, name: str) -> None:
            pass

        def get_message(self, timeout: float) -> dict | None:
            if self.pending:
                return self.pending.pop(0)
            time.sleep(timeout)
            return None

    class Client:
        def pubsub(self, **_: object) -> Subscription:
            return Subscription()

    listener = WakeListener(Client(), "ns", "backtest")  # type: ignore[arg-type]
    assert listener.wait(1.0) is False  # subscribed
    assert listener.wait(1.0) is True  # three wake-ups while busy (after the confirmation): one look for all
    began = time.monotonic()
    assert listener.wait(0.1) is False and time.monotonic() - began >= 0.1


def test_with_redis_away_an_idle_consumer_polls_at_its_fallback_and_does_not_fail() -> None:
    away = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    listener = WakeListener(away, "ns", "backtest")
    for _ in range(2):
        began = time.monotonic()
        assert listener.wait(0.1) is False
        assert 0.1 <= time.monotonic() - began < 2.0


def test_a_redis_workers_queues_are_woken_when_idle_and_wait_for_an_ack_when_full(broker: dramatiq.Broker) -> None:
    poll_queues_promptly(broker)
    consumers = {queue: broker.consume(queue, 1, 1_000) for queue in ("backtest", "backtest_cells", "live")}
    for queue, consumer in consumers.items():
        assert isinstance(consumer, PromptConsumer) and consumer.wake is not None
        assert consumer.wait_seconds == WOKEN_IDLE_MS[queue] / 1000
        assert consumer.inner.timeout == 1  # its own backoff is the wake-up's wait
        consumer.close()
    assert all(consumer.when_full for consumer in consumers.values())  # full, each waits for an ack


def test_a_full_live_consumer_fetches_the_next_tick_on_the_ack_not_after_its_fallback(
        broker: dramatiq.Broker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten runs' ticks arrive together; the one thread takes them one by one. Woken once for the burst,
    a full consumer that waited for wake-ups slept its fallback after each tick (10 runs: 47 % on time)."""
    monkeypatch.setitem(WOKEN_IDLE_MS, "live", 5_000)
    poll_queues_promptly(broker)
    consumer = broker.consume("live", 1, 10_000)
    assert next(consumer) is None  # idle: subscribed
    for _ in range(2):
        broker.enqueue(a_message("live"))
    first = next(consumer)
    assert first is not None
    assert consumer.wake.wait(0.0) is True  # the burst's wake-ups, read: none is left to wake it again
    thread, ended = asleep(consumer)  # full: one message in hand
    time.sleep(0.1)
    acked = time.monotonic()
    consumer.ack(first)
    thread.join(10)
    assert ended and ended[0] - acked < 1.0  # the ack, not the 5 s fallback
    second = next(consumer)
    assert second is not None and second.message_id != first.message_id
    consumer.ack(second)
    consumer.close()
