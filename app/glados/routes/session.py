"""The browser's sign-in: the API token in, an HttpOnly session cookie out (app/glados/session.py says
how the cookie is made and why cookie-authenticated requests resist CSRF)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from flask import Blueprint, Response, request
from pydantic import BaseModel, ConfigDict, Field

from app.glados.api import endpoint, render
from app.glados.auth import UNAUTHORIZED, presented_token, token_is_valid
from app.glados.errors import error_response
from app.glados.schemas.common import Out
from app.glados.session import COOKIE, clear_session_cookie, new_session_value, session_expiry, set_session_cookie

bp = Blueprint("session", __name__, url_prefix="/api/v1")


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field("", max_length=4096, description="the API token (WEAVER_API_TOKEN)")


class SessionOut(Out):
    authenticated_by: Literal["cookie", "bearer"] | None = Field(
        description="how this request proved itself; null: it is not signed in")
    expires_at: datetime | None = Field(description="when the session cookie stops working (null for a bearer token)")


@endpoint(bp, "/session", "POST", summary="Exchange the API token for an HttpOnly session cookie", body=SessionIn,
          response=SessionOut, status=201)
def sign_in(body: SessionIn) -> Response:
    """Needs no other credential: the token in the body is the proof. The answer sets `weaver_session`
    (HttpOnly, SameSite=Strict, Path=/api/v1, Secure over https), which every later request from this
    browser carries; requests that change something with it must send JSON or X-Requested-With."""
    if not token_is_valid(body.token):
        return error_response(401, "unauthorized", UNAUTHORIZED)
    value, expires = new_session_value()
    answer = render(SessionOut(authenticated_by="cookie", expires_at=datetime.fromtimestamp(expires, UTC)), 201)
    set_session_cookie(answer, request, value)
    return answer


@endpoint(bp, "/session", summary="Whether this request is signed in, by the session cookie or a bearer token",
          response=SessionOut)
def whoami() -> SessionOut:
    """Answers without a credential too (authenticated_by null), so a page can ask on load without an
    error; a wrong bearer token is still a 401."""
    if presented_token() is not None:
        return SessionOut(authenticated_by="bearer", expires_at=None)
    expires = session_expiry(request.cookies.get(COOKIE))
    if expires is None:
        return SessionOut(authenticated_by=None, expires_at=None)
    return SessionOut(authenticated_by="cookie", expires_at=datetime.fromtimestamp(expires, UTC))


@endpoint(bp, "/session", "DELETE", summary="Sign out: the session cookie is expired", status=204)
def sign_out() -> Response:
    response = Response(status=204)
    clear_session_cookie(response, request)
    return response
