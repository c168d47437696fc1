"""A walk-forward named on the command line by its id or any unique prefix of it (at least MIN_PREFIX
characters), as `weaver walkforward list` prints the first 8: the twin of app/cli/run_ids.py."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli.run_ids import MIN_PREFIX, SHOWN
from app.walle.models import Walkforward


class WalkforwardIdProblem(Exception):
    """The text names no walk-forward, or more than one: the message says which and what to type instead."""


def resolve_walkforward_id(session: Session, text: str) -> str:
    """The full id of the one walk-forward whose id is `text` or starts with it, else WalkforwardIdProblem."""
    given = text.strip().lower()
    if session.get(Walkforward, given) is not None:
        return given
    if len(given) < MIN_PREFIX:
        raise WalkforwardIdProblem(f"no walk-forward with id {text!r}: give the whole id or at least {MIN_PREFIX} "
                                   "of its first characters (weaver walkforward list shows them)")
    rows = session.execute(select(Walkforward.id, Walkforward.strategy, Walkforward.status, Walkforward.created_at)
                           .where(Walkforward.id.startswith(given, autoescape=True))
                           .order_by(Walkforward.created_at.desc()).limit(SHOWN + 1)).all()
    if not rows:
        raise WalkforwardIdProblem(f"no walk-forward with id {text!r} or an id starting with it "
                                   "(weaver walkforward list shows them)")
    if len(rows) > 1:
        listed = "\n".join(f"  {r.id}  {r.strategy} {r.status} {r.created_at:%Y-%m-%d %H:%M} UTC" for r in rows[:SHOWN])
        more = "\n  …and more" if len(rows) > SHOWN else ""
        raise WalkforwardIdProblem(f"{text!r} starts the ids of several walk-forwards; give more of the id:\n"
                                   f"{listed}{more}")
    return str(rows[0].id)
