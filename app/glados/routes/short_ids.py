"""GET /api/v1/ids/{kind}/{text}: the whole id of the run, sweep or walk-forward a short id names, so an
address with the 8 characters `weaver runs list` prints (`/runs/1a2b3c4d`) opens the page."""

from __future__ import annotations

from typing import Literal

from flask import Blueprint
from pydantic import Field

from app.glados.api import endpoint
from app.glados.context import services
from app.glados.schemas.common import Out
from app.services.errors import Conflict, NotFound
from app.services.short_ids import MIN_PREFIX, look_up
from app.walle.models import Run, Sweep, Walkforward

bp = Blueprint("short_ids", __name__, url_prefix="/api/v1/ids")
Kind = Literal["runs", "sweeps", "walkforwards"]
MODELS = {"runs": (Run, "run"), "sweeps": (Sweep, "sweep"), "walkforwards": (Walkforward, "walk-forward")}


class IdOut(Out):
    kind: Kind
    id: str = Field(description="the whole id")


@endpoint(bp, "/<kind>/<text>", summary="The whole id a unique prefix names", response=IdOut, errors=(404, 409))
def resolve(kind: str, text: str) -> IdOut:
    """`text` is a whole id or at least 6 of its first characters. 404: no such id or prefix (or fewer
    than 6 characters); 409: the prefix starts several ids, listed newest first in `details.ids`."""
    if kind not in MODELS:
        raise NotFound(f"no kind of id called {kind!r}: runs, sweeps or walkforwards")
    model, noun = MODELS[kind]
    with services().container.read_session() as session:
        lookup = look_up(session, model, text)
    if lookup.found is not None:
        return IdOut(kind=kind, id=lookup.found)  # type: ignore[arg-type]
    if lookup.too_short:
        raise NotFound(f"no {noun} with id {text!r}: give the whole id or at least {MIN_PREFIX} of its first "
                       "characters")
    if not lookup.candidates:
        raise NotFound(f"no {noun} with id {text!r} or an id starting with it")
    raise Conflict(f"{text!r} starts the ids of several {noun}s: give more of the id",
                   {"ids": [c.id for c in lookup.candidates]})
