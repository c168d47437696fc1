"""A run or walk-forward named on the command line by its id or any unique prefix of it (at least
MIN_PREFIX characters), as `weaver runs list` and `weaver walkforward list` print the first 8:
`weaver runs show 1a2b3c4d`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.walle.models import Run, Walkforward

MIN_PREFIX = 6
SHORT = 8  # the id's length in `weaver runs list`
SHOWN = 10  # candidates named when a prefix is ambiguous


class IdProblem(Exception):
    """The text names no row, or more than one: the message says which and what to type instead."""


RunIdProblem = IdProblem


def resolve_run_id(session: Session, text: str) -> str:
    """The full id of the one run whose id is `text` or starts with it, else IdProblem."""
    return resolve_id(session, Run, text, "run", "weaver runs list", (Run.mode, Run.strategy, Run.status))


def resolve_walkforward_id(session: Session, text: str) -> str:
    """The full id of the one walk-forward whose id is `text` or starts with it, else IdProblem."""
    return resolve_id(session, Walkforward, text, "walk-forward", "weaver walkforward list",
                      (Walkforward.strategy, Walkforward.status))


def resolve_id(session: Session, model: Any, text: str, noun: str, listed_by: str, columns: tuple[Any, ...]) -> str:
    given = text.strip().lower()
    if session.get(model, given) is not None:
        return given
    if len(given) < MIN_PREFIX:
        raise IdProblem(f"no {noun} with id {text!r}: give the whole id or at least {MIN_PREFIX} of its first "
                        f"characters ({listed_by} shows them)")
    rows = session.execute(select(model.id, model.created_at, *columns)
                           .where(model.id.startswith(given, autoescape=True))
                           .order_by(model.created_at.desc()).limit(SHOWN + 1)).all()
    if not rows:
        raise IdProblem(f"no {noun} with id {text!r} or an id starting with it ({listed_by} shows them)")
    if len(rows) > 1:
        listed = "\n".join(f"  {r[0]}  {' '.join(map(str, r[2:]))} {r[1]:%Y-%m-%d %H:%M} UTC" for r in rows[:SHOWN])
        more = "\n  …and more" if len(rows) > SHOWN else ""
        raise IdProblem(f"{text!r} starts the ids of several {noun}s; give more of the id:\n{listed}{more}")
    return str(rows[0][0])
