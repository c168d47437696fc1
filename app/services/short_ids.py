"""A run, sweep or walk-forward named by its id or a unique prefix of it (at least MIN_PREFIX
characters), as `weaver runs list` prints the first 8 and a user types them into a command or an
address. One lookup for the command line and the API; each says what was found in its own words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import NotFound

MIN_PREFIX = 6
WHOLE_ID = 36  # a uuid's text
SHOWN = 10  # candidates named when a prefix is ambiguous
ID_CHARACTERS = set("0123456789abcdef-")  # a uuid's: only these start one (trial 18: /sweeps/zzzz got the hint)


@dataclass(frozen=True)
class Candidate:
    id: str
    created_at: datetime
    label: tuple[Any, ...]  # the columns asked for, to tell candidates apart


@dataclass(frozen=True)
class Lookup:
    """What a text names: `candidates` empty (nothing, or `too_short` to look by prefix), one (found)
    or several (ambiguous: the newest SHOWN, `more` when there are others)."""

    candidates: tuple[Candidate, ...]
    too_short: bool = False
    more: bool = False

    @property
    def found(self) -> str | None:
        return self.candidates[0].id if len(self.candidates) == 1 else None


def look_up(session: Session, model: Any, text: str, columns: tuple[Any, ...] = ()) -> Lookup:
    given = text.strip().lower()
    exact = session.get(model, given)
    if exact is not None:
        return Lookup((Candidate(given, exact.created_at, tuple(getattr(exact, c.key) for c in columns)),))
    if len(given) < MIN_PREFIX:
        return Lookup((), too_short=True)
    rows = session.execute(select(model.id, model.created_at, *columns)
                           .where(model.id.startswith(given, autoescape=True))
                           .order_by(model.created_at.desc()).limit(SHOWN + 1)).all()
    return Lookup(tuple(Candidate(r[0], r[1], tuple(r[2:])) for r in rows[:SHOWN]), more=len(rows) > SHOWN)


def no_such_run(run_id: str) -> NotFound:
    """The 404 of every run route."""
    return no_such("run", "runs", run_id)


def no_such(noun: str, kind: str, given: str) -> NotFound:
    """The 404 of a run's, sweep's or walk-forward's route (`kind` as in `/api/v1/ids/{kind}/…`): the id
    quoted, and a short one (the CLI's 8 characters) told where the whole id is, when it could start one."""
    could_be = len(given) < WHOLE_ID and len(given) >= MIN_PREFIX and set(given.lower()) <= ID_CHARACTERS
    hint = f" (a short id: GET /api/v1/ids/{kind}/{given} gives the whole id)" if could_be else ""
    return NotFound(f"no {noun} with id {given!r}{hint}")
