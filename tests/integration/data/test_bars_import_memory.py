"""`weaver bars import` streams: a 200 MB file imports with the process' peak memory far below what
holding the file would take (the old reader went from 138 MB to 936 MB on a 62 MB upload)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import ROOT

MEGABYTES = 200
PEAK_LIMIT_MB = 300  # the interpreter, the app and pyarrow take ~170 MB; the file alone would add 200
PAD = "x" * 400  # an ignored column: a large file of few rows, so the import stays well under a minute
START = 946_684_800  # 2000-01-01


def big_csv(path: Path) -> int:
    rows = 0
    with path.open("w") as handle:
        handle.write("timestamp,open,high,low,close,volume,note\n")
        while handle.tell() < MEGABYTES * 1_000_000:
            handle.write("".join(f"{START + 60 * i},{100 + i % 500 / 100:.2f},{101 + i % 500 / 100:.2f},"
                                 f"{99 + i % 500 / 100:.2f},{100 + i % 500 / 100:.2f},{i % 1000},{PAD}\n"
                                 for i in range(rows, rows + 10_000)))
            rows += 10_000
    return rows


def test_a_200_mb_file_imports_in_bounded_memory(pg, cli_env, tmp_path):
    path = tmp_path / "big.csv"
    rows = big_csv(path)
    # A fresh interpreter runs the import, so its children's peak is the import's alone.
    measure = ("import json, resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(json.dumps({'code': done.returncode, 'out': done.stdout, 'err': done.stderr,\n"
               "                  'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")
    report = subprocess.run([sys.executable, "-c", measure, sys.executable, "-c", "from app.cli import main; main()",
                             "bars", "import", str(path), "--symbol", "HUGE", "--timeframe", "1Min"],
                            cwd=ROOT, env=cli_env, capture_output=True, text=True, timeout=120)
    done = json.loads(report.stdout)
    assert done["code"] == 0, done["err"]
    assert done["out"].startswith(f"HUGE 1Min: {rows:,} rows read, {rows:,} stored")
    peak_mb = done["peak_kb"] / 1024
    print(f"\n{path.stat().st_size / 1e6:.0f} MB CSV ({rows:,} rows) imported with a peak of {peak_mb:.0f} MB RSS")
    assert peak_mb < PEAK_LIMIT_MB
