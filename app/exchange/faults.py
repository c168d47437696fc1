"""Injected failures for tests: error statuses, slow answers and lost responses.

A rule matches requests by method, path (exact, or a prefix when it ends in `*`) and account, and
applies `count` times (null: until cleared). `status` answers with that error instead of handling
the request; `delay_ms` sleeps first; with `after_commit` the request is handled (an order really
is accepted) and only then is the answer replaced by `status` (default 504): a lost response.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass

from app.exchange.errors import invalid


@dataclass
class FaultRule:
    id: int
    path: str | None = None
    method: str | None = None
    account: str | None = None
    status: int | None = None
    delay_ms: int = 0
    after_commit: bool = False
    count: int | None = 1
    message: str | None = None

    def matches(self, method: str, path: str, account: str | None) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.account and self.account != account:
            return False
        if self.path is None:
            return True
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def parse_rule(spec: object, rule_id: int) -> FaultRule:
    """Build a rule from the admin API's JSON (or the Python API's keyword arguments)."""
    if not isinstance(spec, dict):
        raise invalid("a fault must be a JSON object")
    known = {"path", "method", "account", "status", "delay_ms", "after_commit", "lose_response", "count",
             "message"}
    unknown = set(spec) - known
    if unknown:
        raise invalid(f"unknown fault fields: {', '.join(sorted(unknown))}")
    after_commit = bool(spec.get("after_commit") or spec.get("lose_response"))
    status = spec.get("status")
    if status is None and after_commit:
        status = 504
    delay = spec.get("delay_ms", 0) or 0
    if status is not None and not (isinstance(status, int) and 400 <= status <= 599):
        raise invalid("status must be an HTTP error status (400-599)")
    if not isinstance(delay, int | float) or delay < 0 or delay > 600_000:
        raise invalid("delay_ms must be within [0, 600000]")
    if status is None and not delay:
        raise invalid("a fault needs a status, a delay_ms or drop_stream")
    count = spec.get("count", 1)
    if count is not None and (not isinstance(count, int) or count < 1):
        raise invalid("count must be a positive integer, or null for every request")
    return FaultRule(rule_id, spec.get("path"), spec.get("method"), spec.get("account"), status,
                     int(delay), after_commit, count, spec.get("message"))


class FaultBook:
    """The active rules; the first matching rule wins and is used up `count` times."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(self, spec: object) -> FaultRule:
        rule = parse_rule(spec, next(self._ids))
        with self._lock:
            self._rules.append(rule)
        return rule

    def take(self, method: str, path: str, account: str | None) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, path, account):
                    if rule.count is not None:
                        rule.count -= 1
                        if rule.count <= 0:
                            self._rules.remove(rule)
                    return rule
        return None

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[dict[str, object]]:
        with self._lock:
            return [r.to_json() for r in self._rules]
