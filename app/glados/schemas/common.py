"""Response and query models shared by several resources."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

MAX_SEQ = 2**63 - 1  # the outbox's seq is a BIGINT: a larger position is no position at all


class Out(BaseModel):
    """Response models read ORM rows directly and serialise Decimals as strings (exact). Every field is
    written, defaults too, so the document marks them all required (the UI's types need not guess)."""

    model_config = ConfigDict(from_attributes=True, json_schema_serialization_defaults_required=True)


class PageQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=1000)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


class RecordPageQuery(PageQuery):
    """A page of a run's orders, fills or trades: oldest first, or newest first (trial 38: `order=desc` was
    refused on the orders, which the events take)."""

    order: Literal["asc", "desc"] = Field("asc", description="`asc`: oldest first; `desc`: newest first")


def page_of(model: type[BaseModel]) -> type[BaseModel]:
    """A `{items, total, page, per_page}` model named after its item (OpenAPI-safe name)."""
    return create_model(
        f"{model.__name__.removesuffix('Out')}Page",
        items=(list[model], ...),  # type: ignore[valid-type]
        total=(int, ...),
        page=(int, ...),
        per_page=(int, ...),
        __base__=Out,
    )


def page(model: type[BaseModel], rows: list[Any], total: int, query: PageQuery) -> BaseModel:
    return page_of_cache(model)(
        items=[model.model_validate(r) for r in rows], total=total, page=query.page, per_page=query.per_page
    )


_PAGES: dict[type[BaseModel], type[BaseModel]] = {}


def page_of_cache(model: type[BaseModel]) -> type[BaseModel]:
    if model not in _PAGES:
        _PAGES[model] = page_of(model)
    return _PAGES[model]


class EventOut(Out):
    id: str
    seq: int
    type: str
    run_id: str | None
    corr_id: str | None
    causation_id: str | None
    trace_id: str | None
    ts: datetime
    payload: dict[str, Any]


class Accepted(Out):
    status: str
    message: str | None = None
