"""Print the OpenAPI document the server serves, without a server: `python -m app.glados.openapi_dump`.

scripts/gen-api-types.sh writes it to ui/src/lib/api/openapi.json and generates the UI's types from
it. Every module under app/glados/routes is imported, so each endpoint registers as when the app starts.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from typing import Any

import app.glados.routes as routes
from app.glados.openapi import build_document


def document() -> dict[str, Any]:
    for module in pkgutil.iter_modules(routes.__path__):
        importlib.import_module(f"{routes.__name__}.{module.name}")
    return build_document()


def main() -> None:
    json.dump(document(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
