"""The `Idempotency-Key` header on create endpoints (see app/services/idempotency.py).

Without the header a request is handled as usual. With it: an unexpired key answers with the
first response (header `Idempotent-Replayed: true`); a key used with another body or endpoint is a
422; otherwise the view runs with a `claim` its service records in the creating transaction.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request

from app.glados.context import services
from app.glados.errors import ApiError
from app.services.idempotency import Claim, IdempotencyKeys, KeyTaken, fingerprint

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, like Stripe's (UUIDs fit)
DESCRIPTION = ("Any unique string of up to 255 visible ASCII characters (a UUID). Sending the same key again "
               "within 24 hours with the same body returns the first response (with `Idempotent-Replayed: "
               "true`) instead of creating again; the same key with another body is a 422.")


def idempotent(view: Callable[..., Any], scope: str, status: int, render: Callable[[str], Any],
               to_json: Callable[[Any], Any]) -> Callable[..., Any]:
    """Wrap a create view; `render(resource_id)` rebuilds an answer whose body was never stored."""

    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(**kwargs)
        if not _VALID_KEY.fullmatch(key):
            raise ApiError(400, "invalid_idempotency_key",
                           f"the {HEADER} header must be 1 to 255 visible ASCII characters (e.g. a UUID)")
        claim = Claim(key, scope, fingerprint(scope, json.loads(request.get_data(cache=True) or b"{}")))
        keys = IdempotencyKeys(services().container.uow)
        replay = _replay(keys, claim, status, render, to_json)
        if replay is not None:
            return replay
        try:
            result = view(**kwargs, claim=claim)
        except KeyTaken:  # a twin with this key committed while this one ran: answer as it did
            replay = _replay(keys, claim, status, render, to_json)
            if replay is None:
                raise ApiError(409, "conflict", f"a request with {HEADER} {key!r} is still in progress") from None
            return replay
        body = to_json(result)
        keys.answer(key, status, body)
        response = jsonify(body)
        response.status_code = status
        return response

    return wrapper


def _replay(keys: IdempotencyKeys, claim: Claim, status: int, render: Callable[[str], Any],
            to_json: Callable[[Any], Any]) -> Response | None:
    row = keys.find(claim.key)
    if row is None:
        return None
    if row.fingerprint != claim.fingerprint:
        raise ApiError(422, "idempotency_key_reused",
                       f"the {HEADER} {claim.key!r} was already used with a different request (first on "
                       f"{row.scope}); use a new key for a new request",
                       {"fields": {HEADER: "already used with a different request body or endpoint"}})
    if row.response is not None and row.status_code is not None:
        response = jsonify(row.response)
        response.status_code = row.status_code
    else:  # the first answer was never stored (its process died just after committing)
        response = jsonify(to_json(render(row.resource_id)))
        response.status_code = status
    response.headers[REPLAYED] = "true"
    return response
