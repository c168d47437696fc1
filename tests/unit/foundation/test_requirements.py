"""The test set-up installs requirements/dev.txt alone, so it must pin every runtime package base.txt
pins, at the same version: a package added to base only would pass locally and fail on a clean clone."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[3] / "requirements"


def pins(name: str) -> dict[str, str]:
    text = (REQUIREMENTS / name).read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_dev_pins_every_runtime_package_at_the_same_version() -> None:
    runtime, dev = pins("base.txt"), pins("dev.txt")
    assert runtime
    assert {name: version for name, version in runtime.items() if dev.get(name) != version} == {}


# What the processes of `weaver web`, `weaver worker`, `weaver scheduler` and `weaver exchange` import
# at start: gunicorn's gevent worker imports `packaging` without declaring it, so a runtime install
# (base.txt alone, as scripts/setup.sh and the Dockerfile do) once lacked it and `weaver web` failed.
PROCESS_MODULES = ("gunicorn.workers.ggevent", "app.glados.app", "app.cli", "scheduler.main", "workers.actors",
                   "workers.supervisor", "app.exchange.server")
IMPORTED_DISTRIBUTIONS = """
import importlib, importlib.metadata as md, json, sys
before = set(sys.modules)
for name in sys.argv[1:]:
    importlib.import_module(name)
owners = md.packages_distributions()
print(json.dumps(sorted({d for m in set(sys.modules) - before for d in owners.get(m.split(".")[0], [])})))
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_the_processes_import_is_pinned_in_the_runtime_requirements() -> None:
    found = subprocess.run([sys.executable, "-c", IMPORTED_DISTRIBUTIONS, *PROCESS_MODULES], capture_output=True,
                           text=True, check=True, cwd=REQUIREMENTS.parent)
    imported = {canonical(name) for name in json.loads(found.stdout)} - {"weaver"}
    runtime = {canonical(name) for name in pins("base.txt")}
    assert "gunicorn" in imported and "packaging" in imported
    assert sorted(imported - runtime) == []
