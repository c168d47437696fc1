"""Which code a run traded with (trial 27: an edited strategy file changed nothing until a restart, and after
one a drift report compared the run's records with other code, saying nothing of either)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from app.marvin.code_digest import changed_since, edited_since_loaded, file_digest, loaded_digest

SOURCE = """
from app.marvin.strategy import Strategy


class Edited(Strategy):
    name = "edited"

    def next(self) -> None:
        pass
"""


def _load(path: Path) -> type:
    spec = importlib.util.spec_from_file_location("weaver_digest_probe", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["weaver_digest_probe"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.Edited


def test_the_loaded_code_is_remembered_and_an_edit_or_another_start_is_named(tmp_path):
    path = tmp_path / "my_edited.py"
    path.write_text(SOURCE)
    try:
        cls = _load(path)
        started = loaded_digest(cls)
        assert started is not None and len(started) == 12
        assert changed_since(cls, started) is None and edited_since_loaded(cls) is None
        assert changed_since(cls, None) is None  # a run stored before digests were kept: nothing to say
        path.write_text(SOURCE.replace("pass", "self.buy(size=1)"))
        assert loaded_digest(cls) == started  # this process still runs the code it loaded
        assert file_digest(cls) != started
        assert edited_since_loaded(cls) == "my_edited.py"
        assert changed_since(cls, "0123456789ab") == "my_edited.py"  # a run started with other code
    finally:
        sys.modules.pop("weaver_digest_probe", None)
