"""Container healthcheck for `web`: exit 0 when the liveness URL answers 200."""

from __future__ import annotations

import sys
import urllib.request

if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:  # noqa: S310 - a local URL we chose
            sys.exit(0 if response.status == 200 else 1)
    except OSError:
        sys.exit(1)
