"""The test set-up installs requirements/dev.txt alone, so it must pin every runtime package base.txt
pins, at the same version: a package added to base only would pass locally and fail on a clean clone."""

from __future__ import annotations

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[3] / "requirements"


def pins(name: str) -> dict[str, str]:
    text = (REQUIREMENTS / name).read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_dev_pins_every_runtime_package_at_the_same_version() -> None:
    runtime, dev = pins("base.txt"), pins("dev.txt")
    assert runtime
    assert {name: version for name, version in runtime.items() if dev.get(name) != version} == {}
