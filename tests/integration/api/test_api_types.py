"""The UI's API types are generated from the document the server serves, and a stale copy fails the tests.

ui/src/lib/api/generated holds the document (openapi.json), openapi-typescript's schema.d.ts and the
enums as runtime lists (enums.ts); scripts/gen-api-types.sh writes them and, with --check, fails when
the committed files are not what it would write now (scripts/test.sh runs the check).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[3]
GENERATED = ROOT / "ui" / "src" / "lib" / "api" / "generated"


def _check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "scripts" / "gen-api-types.sh"), "--check"], cwd=ROOT, text=True,
                          capture_output=True, timeout=300, env={**os.environ, "WEAVER_API_TYPES_DIR": str(directory)})


def test_the_committed_document_is_the_one_the_server_serves(client: FlaskClient) -> None:
    served = client.get("/api/v1/openapi.json").get_json()
    assert json.loads((GENERATED / "openapi.json").read_text()) == served


def test_the_generated_lists_hold_every_timeframe_and_status_the_api_accepts() -> None:
    enums = (GENERATED / "enums.ts").read_text()
    assert ('export const TIMEFRAMES: readonly Timeframe[] = ["1Sec", "5Sec", "15Sec", "30Sec", "1Min", "5Min", '
            '"15Min", "30Min", "1Hour", "1Day"];') in enums
    assert ('export const RUN_STATUSES: readonly RunStatus[] = ["created", "queued", "running", "completed", "failed", '
            '"cancelled", "stopping", "stopped", "error"];') in enums
    schema = (GENERATED / "schema.d.ts").read_text()
    assert 'Timeframe: "1Sec" | "5Sec" | "15Sec" | "30Sec" | "1Min" | "5Min" | "15Min" | "30Min" | "1Hour" | "1Day";' \
        in schema


def test_the_check_passes_on_fresh_files_and_fails_on_a_stale_one(tmp_path: Path) -> None:
    copy = tmp_path / "generated"
    shutil.copytree(GENERATED, copy)
    fresh = _check(copy)
    assert fresh.returncode == 0, fresh.stderr
    # A hand edit (or a document changed without regenerating): the timeframe list lost 1Sec again.
    enums = copy / "enums.ts"
    enums.write_text(enums.read_text().replace('["1Sec", ', "["))
    stale = _check(copy)
    assert stale.returncode == 1
    assert "is stale: run scripts/gen-api-types.sh" in stale.stderr
    assert '+export const TIMEFRAMES: readonly Timeframe[] = ["1Sec", ' in stale.stderr  # the diff shows what is due
