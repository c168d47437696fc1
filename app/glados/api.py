"""Declare an endpoint once: its route, its request/response models and its OpenAPI entry.

pydantic validates (and describes) every body and query string, so the OpenAPI document is
generated from the same schemas that validate requests and cannot drift from them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError

from app.decimal_text import decimal_text
from app.glados.errors import ApiError
from app.glados.json_body import load_json

View = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style: /runs/{run_id}
    summary: str
    tag: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any  # a model class, [model] for a list, or None (no body)
    status: int
    errors: tuple[int, ...]
    content_type: str | tuple[str, ...] | None = None  # a non-JSON success body (one type, or a choice)
    description: str = ""
    form: dict[str, Any] | None = None  # JSON schema of a multipart/form-data body the view reads itself
    idempotent: bool = False  # takes an Idempotency-Key header (app/glados/idempotency.py)
    also: tuple[tuple[int, str, Any], ...] = ()  # other answers with a body: (status, description, model)


@dataclass
class EndpointRegistry:
    operations: list[Operation] = field(default_factory=list)

    def endpoint(
        self, bp: Blueprint, rule: str, method: str = "GET", *, summary: str, body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
        errors: tuple[int, ...] = (), content_type: str | tuple[str, ...] | None = None,
        form: dict[str, Any] | None = None, idempotent: Callable[[str], Any] | None = None,
        also: tuple[tuple[int, str, Any], ...] = (),
    ) -> Callable[[View], View]:
        """`idempotent`: the view creates a resource and honours Idempotency-Key; the callable renders
        the resource from its id (for a replay whose first answer was never stored). `also`: other
        statuses the view answers with a model's body, e.g. (503, "Degraded", HealthOut)."""

        def decorate(view: View) -> View:
            prefix = bp.url_prefix or ""
            self.operations.append(
                Operation(method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + rule), summary,
                          bp.name, body, query, response, status, errors, content_type,
                          (view.__doc__ or "").strip(), form, idempotent is not None, also)
            )
            if idempotent is not None:
                from app.glados.idempotency import idempotent as with_key  # it builds on this module

                view = with_key(view, f"{method.upper()} {prefix + rule}", status, idempotent, to_json)

            @functools.wraps(view)
            def wrapper(**path: Any) -> Any:
                kwargs: dict[str, Any] = dict(path)
                if body is not None:
                    kwargs["body"] = parse_body(body)
                if query is not None:
                    kwargs["query"] = parse_query(query)
                return render(view(**kwargs), status)

            bp.add_url_rule(rule, view.__name__, wrapper, methods=[method])
            return wrapper

        return decorate


def document(bp: Blueprint, rule: str, method: str, *, summary: str, query: type[BaseModel] | None = None,
             status: int = 200, description: str = "") -> None:
    """Describe a route another extension serves (the flask-sock WebSocket) in the OpenAPI document."""
    REGISTRY.operations.append(Operation(method.lower(), (bp.url_prefix or "") + rule, summary, bp.name, None, query,
                                         None, status, (), None, description))


def parse_body(model: type[BaseModel]) -> BaseModel:
    raw = request.get_data(cache=True)
    if raw and not (request.mimetype or "").endswith("json"):
        raise ApiError(415, "unsupported_media_type", "send the body as JSON (Content-Type: application/json)")
    data = load_json(raw or b"{}")
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    values = {key: request.args.get(key) for key in request.args}
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise validation_error(exc, location="query") from None


def validation_error(exc: ValidationError, location: str = "body") -> ApiError:
    fields: dict[str, str] = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or location
        fields[path] = str(error["msg"]).removeprefix("Value error, ")
    summary = "; ".join(f"{name}: {why}" for name, why in fields.items())
    return ApiError(422, "validation_failed", f"invalid {location}: {summary}", {"fields": fields})


def render(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status=204 if status == 200 else status)
    body = orjson.dumps(to_json(result), default=_json_default, option=_JSON_OPTIONS)
    return Response(body, status=status, mimetype="application/json")


# orjson writes a NaN or infinite float as null (Flask's encoder wrote bare NaN, which is not JSON),
# datetimes as ISO 8601 with Z, and is several times faster on large bodies.
_JSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)  # exact, positional, as the response models write a Decimal
    return current_app.json.default(value)  # type: ignore[attr-defined]


def to_json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


REGISTRY = EndpointRegistry()
endpoint = REGISTRY.endpoint
