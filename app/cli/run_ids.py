"""A run or walk-forward named on the command line by its id or any unique prefix of it (at least
MIN_PREFIX characters), as `weaver runs list` and `weaver walkforward list` print the first 8:
`weaver runs show 1a2b3c4d`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.services.short_ids import MIN_PREFIX, look_up
from app.walle.models import Run, Walkforward

SHORT = 8  # the id's length in `weaver runs list`


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
    lookup = look_up(session, model, text, columns)
    if lookup.found is not None:
        return lookup.found
    if lookup.too_short:
        raise IdProblem(f"no {noun} with id {text!r}: give the whole id or at least {MIN_PREFIX} of its first "
                        f"characters ({listed_by} shows them)")
    if not lookup.candidates:
        raise IdProblem(f"no {noun} with id {text!r} or an id starting with it ({listed_by} shows them)")
    listed = "\n".join(f"  {c.id}  {' '.join(map(str, c.label))} {c.created_at:%Y-%m-%d %H:%M} UTC"
                       for c in lookup.candidates)
    more = "\n  …and more" if lookup.more else ""
    raise IdProblem(f"{text!r} starts the ids of several {noun}s; give more of the id:\n{listed}{more}")
