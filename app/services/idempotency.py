"""Idempotency keys: a create request retried with the same `Idempotency-Key` header gets the first
answer instead of making a second resource.

The key row is inserted in the same transaction as the resource (`record`), so exactly one of two
concurrent twins commits: the other's insert waits on the primary key, fails, and its transaction
(resource included) rolls back; it then answers from the winner's row. The answer itself is stored
just after (`answer`), so a replay repeats the first response exactly. Keys expire after 24 hours,
like Stripe's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.walle.models import IdempotencyKey
from app.walle.uow import UnitOfWork

TTL = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    """One request's key: `scope` is its method and route, `fingerprint` hashes the scope and body."""

    key: str
    scope: str
    fingerprint: str


class KeyTaken(Exception):
    """Another request with this key committed first; its row now holds the answer."""


def fingerprint(scope: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return hashlib.sha256(f"{scope}\n{canonical}".encode()).hexdigest()


def record(session: Session, claim: Claim, resource_id: str, now: datetime | None = None) -> None:
    """Bind `claim` to the resource being created in `session`'s transaction (raises KeyTaken)."""
    now = now or datetime.now(UTC)
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    session.add(IdempotencyKey(key=claim.key, scope=claim.scope, fingerprint=claim.fingerprint,
                               resource_id=resource_id, created_at=now, expires_at=now + TTL))
    try:
        session.flush()
    except IntegrityError as exc:
        raise KeyTaken(claim.key) from exc


class IdempotencyKeys:
    def __init__(self, uow: Callable[[], UnitOfWork]):
        self.uow = uow

    def find(self, key: str, now: datetime | None = None) -> IdempotencyKey | None:
        """The unexpired row of `key`, detached (its fields stay readable)."""
        with self.uow() as uow:
            row = uow.session.scalar(select(IdempotencyKey).where(
                IdempotencyKey.key == key, IdempotencyKey.expires_at > (now or datetime.now(UTC))))
            if row is not None:
                uow.session.expunge(row)
            return row

    def answer(self, key: str, status_code: int, response: Any) -> None:
        """Store the first answer, so replays repeat it (best effort: without it they re-render)."""
        with self.uow() as uow:
            uow.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == key,
                                                             IdempotencyKey.status_code.is_(None))
                                .values(status_code=status_code, response=response))
            uow.commit()
