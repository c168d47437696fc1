"""A full consumer fetches its next message as soon as a thread acknowledges one, not after its backoff."""

from __future__ import annotations

import threading
import time

from workers.prompt_polling import PromptConsumer, poll_queues_promptly


class FakeRedisConsumer:
    """What PromptConsumer reads of Dramatiq's Redis consumer."""

    def __init__(self, prefetch: int) -> None:
        self.prefetch = prefetch
        self.message_cache: list[str] = []
        self.outstanding_message_count = 0
        self.fetches = 0
        self.acked: list[str] = []

    def __next__(self) -> str:
        self.fetches += 1
        self.outstanding_message_count += 1
        return f"message-{self.fetches}"

    def ack(self, message: str) -> None:
        self.acked.append(message)
        self.outstanding_message_count -= 1

    def nack(self, message: str) -> None:
        self.outstanding_message_count -= 1

    def requeue(self, messages: list[str]) -> str:
        return "requeued"


def test_a_consumer_with_room_fetches_at_once() -> None:
    consumer = PromptConsumer(FakeRedisConsumer(prefetch=1), wait_ms=5_000)
    assert next(iter(consumer)) == "message-1"


def test_a_full_consumer_wakes_on_the_ack_not_after_its_wait() -> None:
    inner = FakeRedisConsumer(prefetch=1)
    consumer = PromptConsumer(inner, wait_ms=5_000)
    held = next(consumer)
    threading.Timer(0.05, consumer.ack, args=(held,)).start()
    began = time.monotonic()
    assert next(consumer) is None  # woken: Dramatiq's loop comes straight back
    assert time.monotonic() - began < 2.0  # the ack woke it, long before the 5 s wait
    assert inner.acked == ["message-1"] and inner.fetches == 1
    assert next(consumer) == "message-2"


def test_a_full_consumer_without_an_ack_waits_no_longer_than_its_wait_and_fetches_nothing() -> None:
    inner = FakeRedisConsumer(prefetch=1)
    consumer = PromptConsumer(inner, wait_ms=30)
    next(consumer)
    began = time.monotonic()
    assert next(consumer) is None
    assert 0.02 <= time.monotonic() - began < 2.0
    assert inner.fetches == 1


def test_everything_else_is_the_inner_consumers() -> None:
    consumer = PromptConsumer(FakeRedisConsumer(prefetch=1), wait_ms=50)
    assert consumer.requeue(["m"]) == "requeued"


def test_only_the_backtest_queue_fetches_on_the_ack_and_both_poll_briefly_when_idle() -> None:
    asked: list[tuple[str, int]] = []

    class Broker:
        def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 30_000) -> FakeRedisConsumer:
            asked.append((queue_name, timeout))
            return FakeRedisConsumer(prefetch)

    broker = Broker()
    poll_queues_promptly(broker)  # type: ignore[arg-type]
    assert isinstance(broker.consume("backtest", 1, 1_000), PromptConsumer)
    assert isinstance(broker.consume("live", 1, 1_000), FakeRedisConsumer)  # the live worker keeps Dramatiq's pace
    assert asked == [("backtest", 50), ("live", 20)]
