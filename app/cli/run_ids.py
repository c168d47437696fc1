"""A run named on the command line by its id or any unique prefix of it (at least MIN_PREFIX characters),
as `weaver runs list` prints the first 8: `weaver runs show 1a2b3c4d`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.walle.models import Run

MIN_PREFIX = 6
SHORT = 8  # the id's length in `weaver runs list`
SHOWN = 10  # candidates named when a prefix is ambiguous


class RunIdProblem(Exception):
    """The text names no run, or more than one: the message says which and what to type instead."""


def resolve_run_id(session: Session, text: str) -> str:
    """The full id of the one run whose id is `text` or starts with it, else RunIdProblem."""
    given = text.strip().lower()
    if session.get(Run, given) is not None:
        return given
    if len(given) < MIN_PREFIX:
        raise RunIdProblem(f"no run with id {text!r}: give the whole id or at least {MIN_PREFIX} of its first "
                           "characters (weaver runs list shows them)")
    rows = session.execute(select(Run.id, Run.mode, Run.strategy, Run.status, Run.created_at)
                           .where(Run.id.startswith(given, autoescape=True))
                           .order_by(Run.created_at.desc()).limit(SHOWN + 1)).all()
    if not rows:
        raise RunIdProblem(f"no run with id {text!r} or an id starting with it")
    if len(rows) > 1:
        listed = "\n".join(f"  {r.id}  {r.mode} {r.strategy} {r.status} {r.created_at:%Y-%m-%d %H:%M} UTC"
                           for r in rows[:SHOWN])
        more = "\n  …and more" if len(rows) > SHOWN else ""
        raise RunIdProblem(f"{text!r} starts the ids of several runs; give more of the id:\n{listed}{more}")
    return str(rows[0].id)
