"""The UI's nginx (docker compose's `ui`) sends GLaDOS's security headers on every response, once."""

from __future__ import annotations

import re
from pathlib import Path

from app.glados.security import SECURITY_HEADERS

CONF = Path(__file__).resolve().parents[3] / "ui" / "nginx.conf"


def blocks() -> dict[str, str]:
    """The server block's own directives and each location's body, by location path."""
    text = CONF.read_text()
    found = {m.group(1): m.group(2) for m in re.finditer(r"location\s+(\S+)\s*\{(.*?)\n    \}", text, re.S)}
    found["server"] = re.sub(r"location\s+\S+\s*\{.*?\n    \}", "", text, flags=re.S)
    return found


def added(body: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'add_header\s+(\S+)\s+"(.*?)"\s+always;', body)}


def test_static_responses_carry_the_same_headers_as_glados() -> None:
    parts = blocks()
    assert added(parts["server"]) == SECURITY_HEADERS
    # /assets/ has an add_header of its own, so nginx inherits none: it must repeat them all.
    assert {k: v for k, v in added(parts["/assets/"]).items() if k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert "add_header" not in parts["/"]  # inherits the server's


def test_proxied_api_responses_carry_them_once() -> None:
    parts = blocks()
    for location in ("/api/", "/api/v1/ws"):
        hidden = set(re.findall(r"proxy_hide_header\s+(\S+);", parts[location]))
        assert hidden == set(SECURITY_HEADERS), location
        assert "add_header" not in parts[location], location  # so the server's are inherited
