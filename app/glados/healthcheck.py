"""Container healthcheck for `web`: exit 0 when the URL answers 200.

The default is the liveness URL (/healthz: the process serves requests), which is what a container
restart policy should act on. `--ready` asks /api/v1/health instead (every component: database,
Redis, workers, scheduler, broker) with WEAVER_API_TOKEN, and prints which components fail.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

LIVENESS = "http://127.0.0.1:8000/healthz"
READINESS = "http://127.0.0.1:8000/api/v1/health"


def check(url: str, token: str | None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - a local URL we chose
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:  # 503: the body names the failing components
        status, body = exc.code, exc.read()
    except OSError as exc:
        print(json.dumps({"ok": False, "url": url, "error": f"{exc.__class__.__name__}: {exc}"}))
        return 1
    try:
        failing = json.loads(body).get("failing", [])
    except (ValueError, AttributeError):
        failing = []
    print(json.dumps({"ok": status == 200, "url": url, "status": status, "failing": failing}))
    return 0 if status == 200 else 1


def main(argv: list[str]) -> int:
    ready = "--ready" in argv
    urls = [a for a in argv if not a.startswith("--")]
    url = urls[0] if urls else (READINESS if ready else LIVENESS)
    return check(url, os.environ.get("WEAVER_API_TOKEN") if ready else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
