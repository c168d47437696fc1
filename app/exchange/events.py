"""Fan-out of trade updates to the stream connections of the account they belong to."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field


@dataclass(eq=False)
class Subscriber:
    """One authenticated stream connection; `dropped` asks its handler to cut the socket."""

    account: str
    messages: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=10_000))
    dropped: threading.Event = field(default_factory=threading.Event)
    listening: bool = False


class EventHub:
    """Thread-safe registry of subscribers; publishing never blocks the exchange."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []
        self.published = 0
        self.closing = threading.Event()  # set when the server stops: handlers close politely

    def subscribe(self, account: str) -> Subscriber:
        subscriber = Subscriber(account)
        with self._lock:
            self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def publish(self, account: str, message: dict) -> None:
        with self._lock:
            targets = [s for s in self._subscribers if s.account == account and s.listening]
            self.published += 1
        for subscriber in targets:
            try:
                subscriber.messages.put_nowait(message)
            except queue.Full:  # a stuck client loses its connection rather than stalling the venue
                subscriber.dropped.set()

    def drop(self, account: str | None = None) -> int:
        """Cut live connections (all, or one account's) as a network failure would."""
        with self._lock:
            targets = [s for s in self._subscribers if account is None or s.account == account]
        for subscriber in targets:
            subscriber.dropped.set()
        return len(targets)

    def count(self, account: str | None = None, listening: bool = False) -> int:
        """Live connections (of one account; only those listening to trade_updates)."""
        with self._lock:
            return sum(1 for s in self._subscribers
                       if (account is None or s.account == account) and (s.listening or not listening))
