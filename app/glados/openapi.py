"""The OpenAPI 3.1 document, assembled from the registered endpoints and their pydantic models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from app.glados.api import REGISTRY, Operation
from app.glados.errors import ErrorBody
from app.glados.idempotency import DESCRIPTION, HEADER
from app.glados.openapi_enums import add_enums
from app.glados.session import COOKIE

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "Malformed request: invalid JSON, nesting deeper than 64, a non-finite number, or a NUL character in a "
         "header, the path or the query", 401: "Missing or wrong API token",
    403: "Signed in by the session cookie, but a change sent neither JSON nor X-Requested-With (CSRF defence)",
    404: "Not found",
    409: "Illegal state transition or conflict", 413: "Body too large", 415: "Body is not JSON",
    422: "Validation failed; details.fields names each field",
    500: "Unexpected error; the server log has the details under correlation_id",
    504: "No answer within the request deadline (WEAVER_REQUEST_TIMEOUT_SECONDS); the work may still finish",
}


def build_document(version: str = "1.0.0") -> dict[str, Any]:
    _, definitions = models_json_schema(_models(), ref_template=REF)
    schemas = definitions.get("$defs", {})
    add_enums(schemas, REF)
    paths: dict[str, dict[str, Any]] = {}
    for op in REGISTRY.operations:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Weaver API",
            "version": version,
            "description": "GLaDOS, Weaver's only northbound API. Times are UTC (ISO 8601); money and prices are "
                           "decimal strings. Every error is {code, message, details, correlation_id}.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "token": {"type": "apiKey", "in": "query", "name": "token"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": COOKIE,
                           "description": "the browser's session (POST /api/v1/session); a request that changes "
                                          "something with it must send JSON or an X-Requested-With header"},
            },
        },
    }


def _models() -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """Requests as they are validated, responses as they are written (a Decimal is a string on the wire,
    not "a number or a string": the UI's generated types say what it will read)."""
    found: dict[str, tuple[type[BaseModel], JsonSchemaMode]] = {"ErrorBody": (ErrorBody, "serialization")}
    for op in REGISTRY.operations:
        written = (_inner(op.response), *(model for _, _, model in op.also))
        for candidate, mode in ((op.body, "validation"), (op.query, "validation"),
                                *((model, "serialization") for model in written)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found[candidate.__name__] = (candidate, mode)
    return list(found.values())


def _inner(response: Any) -> Any:
    return response[0] if isinstance(response, list) else response


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(op: Operation) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _path_parameters(op.path) + _query_parameters(op.query) + _idempotency_header(op),
        "responses": {str(op.status): _success(op)},
    }
    if op.description:
        operation["description"] = op.description
    if op.path.endswith("/stream") or op.path.endswith("/ws"):
        operation["security"] = [{"bearer": []}, {"token": []}, {"cookie": []}]
    if op.path.endswith("/health") or op.path.endswith("/openapi.json"):
        operation["security"] = [{"bearer": []}, {"cookie": []}]
    if _signs_in(op):
        operation["security"] = []  # the token in the body is the proof
    if op.body is not None:  # a model with `optional_body` may be left out: parse_body reads {}, the defaults
        operation["requestBody"] = {"required": not getattr(op.body, "optional_body", False),
                                    "content": {"application/json": {"schema": _ref(op.body)}}}
    if op.form is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": op.form}}}
    codes = set(op.errors) | {400, 401, 500}  # 400: any request can carry a NUL character (input_guard.py)
    if op.method in ("post", "put", "patch", "delete") and not _signs_in(op):
        codes.add(403)  # a cookie-signed change with neither JSON nor X-Requested-With (app/glados/session.py)
    if not (op.path.endswith("/stream") or op.path.endswith("/ws")):
        codes.add(504)  # app/glados/deadline.py
    if op.body is not None:
        codes |= {400, 413, 415, 422}
    if op.query is not None:
        codes.add(422)
    if "{" in op.path:
        codes.add(404)
    if op.idempotent:
        codes |= {400, 409, 422}
    for code, text, model in op.also:
        operation["responses"][str(code)] = {"description": text,
                                             "content": {"application/json": {"schema": _ref(model)}}}
    error_content = {"application/json": {"schema": _ref(ErrorBody)}}
    for code in sorted(codes):
        operation["responses"][str(code)] = {"description": ERROR_TEXT.get(code, "Error"), "content": error_content}
    return operation


def _signs_in(op: Operation) -> bool:
    return op.path.endswith("/session") and op.method == "post"


def _success(op: Operation) -> dict[str, Any]:
    if op.response is None:
        return {"description": {204: "No content", 101: "Switching protocols"}.get(op.status, "Accepted")}
    if op.content_type:
        types = (op.content_type,) if isinstance(op.content_type, str) else op.content_type
        return {"description": "OK", "content": {t: {"schema": {"type": "string"}} for t in types}}
    if isinstance(op.response, list):
        schema: dict[str, Any] = {"type": "array", "items": _ref(op.response[0])}
    elif isinstance(op.response, dict):
        schema = op.response
    else:
        schema = _ref(op.response)
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names]


def _idempotency_header(op: Operation) -> list[dict[str, Any]]:
    if not op.idempotent:
        return []
    return [{"name": HEADER, "in": "header", "required": False, "description": DESCRIPTION,
             "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"}}]


def _query_parameters(model: type[BaseModel] | None) -> list[dict[str, Any]]:
    if model is None:
        return []
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop,
         **({"description": prop["description"]} if "description" in prop else {})}
        for name, prop in schema.get("properties", {}).items()
    ]
