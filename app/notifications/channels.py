"""One configured Apprise URL: its stable id, a masked form safe to show, and one delivery attempt.

The id is a hash of the URL, so a channel keeps its stored offset across restarts and a new URL
starts fresh. The masked form is Apprise's own privacy rendering without its query string, and
with any long path segment shortened too (a generic webhook's secret path): tokens, passwords and
keys never leave the process.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

with warnings.catch_warnings():  # its e-mail plugin imports imghdr (deprecated): once, here, quietly
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*imghdr.*")
    import apprise
    import apprise.utils.pgp  # noqa: F401

log = logging.getLogger(__name__)
LEVELS = {"info": apprise.NotifyType.INFO, "success": apprise.NotifyType.SUCCESS,
          "warning": apprise.NotifyType.WARNING, "failure": apprise.NotifyType.FAILURE}


@dataclass(frozen=True)
class Attempt:
    ok: bool
    detail: str | None = None


class Channel:
    def __init__(self, url: str):
        self._url = url
        self.id = hashlib.sha256(url.encode()).hexdigest()[:12]
        self._plugin: Any = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        self.service = str(self._plugin.service_name) if self._plugin else "unknown"
        self.masked = mask_url(self._plugin, url)
        self.valid = self._plugin is not None

    def __repr__(self) -> str:
        return f"Channel({self.masked!r})"

    def send(self, title: str, body: str, level: str = "info") -> Attempt:
        """One attempt; Apprise's own warnings for it become the failure's detail."""
        if self._plugin is None:
            return Attempt(False, "Apprise does not understand this URL")
        with _captured() as lines:
            try:
                ok = bool(self._plugin.notify(body=body, title=title, notify_type=LEVELS.get(level, LEVELS["info"])))
            except Exception as exc:  # a plugin bug must not kill the follower
                ok, lines[:] = False, [f"{exc.__class__.__name__}: {exc}"]
        return Attempt(True) if ok else Attempt(False, ("; ".join(lines) or "the service refused it")[:300])


def channels_of(urls: Iterable[SecretStr | str]) -> list[Channel]:
    seen: dict[str, Channel] = {}
    for url in urls:
        raw = url.get_secret_value() if isinstance(url, SecretStr) else url
        channel = Channel(raw)
        seen.setdefault(channel.id, channel)
    return list(seen.values())


SECRET_LENGTH = 16  # a path segment this long may be a token: shown as Apprise shows them (a...z)


def mask_url(plugin: Any, url: str) -> str:
    if plugin is None:
        return f"{url.split('://', 1)[0]}://…"
    scheme, rest = str(plugin.url(privacy=True)).split("?", 1)[0].split("://", 1)
    host, _, path = rest.partition("/")
    segments = [f"{s[0]}...{s[-1]}" if len(s) >= SECRET_LENGTH else s for s in path.split("/")]
    return f"{scheme}://{host}" + (f"/{'/'.join(segments)}" if path else "")


class _ThreadCapture(logging.Handler):
    """Collects Apprise's log lines per thread: followers of several channels send at once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        lines = getattr(self.local, "lines", None)
        if lines is not None:
            lines.append(record.getMessage())


_CAPTURE = _ThreadCapture()
logging.getLogger("apprise").addHandler(_CAPTURE)


class _captured:
    def __enter__(self) -> list[str]:
        _CAPTURE.local.lines = []
        return _CAPTURE.local.lines

    def __exit__(self, *_: object) -> None:
        _CAPTURE.local.lines = None
