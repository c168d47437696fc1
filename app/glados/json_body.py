"""Read a request body as JSON that the rest of Weaver can hold: bounded nesting, finite numbers, no NUL.

Python's json parser recurses in C and raises RecursionError somewhere near depth 1000 (lower on a
deep stack); the nesting is measured on the raw bytes before parsing, so no parser ever goes deep.
NaN, Infinity and numbers that overflow a float are not JSON the engine can compute with, and
Postgres refuses NUL characters in text and JSON, so all three are refused here, once, for every body.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from app.glados.errors import ApiError

MAX_DEPTH = 64
NUL_MESSAGE = "must not contain NUL characters (\\u0000)"
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_OPENERS = np.frombuffer(b"[{", dtype=np.uint8)


class NonFinite(ValueError):
    """A number JSON cannot carry exactly: NaN, ±Infinity, or one beyond a float's range."""


def nesting_depth(raw: bytes) -> int:
    """The deepest array/object nesting of a JSON text, brackets inside strings not counted (0 for a
    text with too few brackets to nest deeper than MAX_DEPTH: most bodies, counted in microseconds)."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    if not brackets:
        return 0
    chars = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where(np.isin(chars, _OPENERS), 1, -1)
    return int(np.cumsum(steps).max())


def load_json(raw: bytes) -> Any:
    """The parsed body, or an ApiError a client can act on."""
    if nesting_depth(raw) > MAX_DEPTH:
        raise ApiError(400, "too_deeply_nested",
                       f"the request body nests arrays/objects deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except NonFinite as exc:
        raise ApiError(400, "malformed_json", f"numbers must be finite: {exc}") from None
    except RecursionError:  # unreachable after the depth check; kept so no parser depth can become a 500
        raise ApiError(400, "too_deeply_nested", "the request body nests too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"the request body is not valid JSON: {exc}") from None
    where = first_nul(data)
    if where is not None:
        raise ApiError(422, "validation_failed", f"invalid body: {where}: {NUL_MESSAGE}",
                       {"fields": {where: NUL_MESSAGE}})
    return data


def first_nul(data: Any, location: str = "body") -> str | None:
    """The dotted path (as in validation errors) of the first string or key holding a NUL, if any."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or location
        elif isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return path or location
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return None


def _refuse_constant(name: str) -> float:
    raise NonFinite(f"{name} is not a number")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise NonFinite(f"{text[:40]} is beyond the range of a number")
    return value
