"""Peak memory of a large CSV import, by `weaver bars import` and by an upload to `weaver web`.

Writes a file of minute bars (1 GB by default), imports it into a scratch database and prints the
importing process' peak RSS, the time and the rate. The CLI's peak is its own (a fresh interpreter
waits for it, RUSAGE_CHILDREN); the upload's is the gunicorn worker's high-water mark (VmHWM) from
/proc. The upload body is streamed from disk, so the client holds none of it either.

Usage: .venv/bin/python -m benchmarks.csv_import_memory [--megabytes 1024] [--via cli|api|both]
           [--pad 0]   (--pad N adds an ignored N-character column: as many bytes with fewer rows)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.common import scratch_postgres
from benchmarks.server import free_port, start_web

START = 946_684_800  # 2000-01-01T00:00:00Z
TOKEN = "b" * 32


def write_file(path: Path, megabytes: int, pad: int) -> int:
    note = "," + "x" * pad if pad else ""
    rows = 0
    with path.open("w") as handle:
        handle.write("timestamp,open,high,low,close,volume" + (",note" if pad else "") + "\n")
        while handle.tell() < megabytes * 1_000_000:
            handle.write("".join(f"{START + 60 * i},{100 + i % 500 / 100:.2f},{101 + i % 500 / 100:.2f},"
                                 f"{99 + i % 500 / 100:.2f},{100 + i % 500 / 100:.2f},{i % 1000}{note}\n"
                                 for i in range(rows, rows + 20_000)))
            rows += 20_000
    return rows


def via_cli(path: Path, url: str) -> tuple[float, float, str]:
    measure = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode, done.stdout.strip(),"
               " done.stderr.strip()[-500:])\n")
    env = {**os.environ, "WEAVER_DATABASE_URL": url, "WEAVER_BROKER": "memory"}
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", measure, sys.executable, "-c", "from app.cli import main; main()",
                          "bars", "import", str(path), "--symbol", "MEMCLI", "--timeframe", "1Min", "--quiet"],
                         env=env, capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - began
    peak_kb, code, summary = out.split(" ", 2)
    return int(peak_kb) / 1024, seconds, f"exit {code}: {summary}"


def via_api(path: Path, url: str) -> tuple[float, float, str]:
    port = free_port()
    web = start_web(url, port, TOKEN, workers=1, threads=4)
    try:
        workers = _children(web.pid)
        boundary = uuid.uuid4().hex
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"symbol\"\r\n\r\nMEMAPI\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"timeframe\"\r\n\r\n1Min\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
                "Content-Type: text/csv\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
        began = time.perf_counter()
        connection.putrequest("POST", "/api/v1/bars/import")
        connection.putheader("Authorization", f"Bearer {TOKEN}")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
        connection.endheaders()
        connection.send(head)
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                connection.send(chunk)
        connection.send(tail)
        response = connection.getresponse()
        body = json.loads(response.read())
        seconds = time.perf_counter() - began
        peak_mb = max(_high_water_mb(pid) for pid in workers)
        return peak_mb, seconds, f"HTTP {response.status}: {body}"
    finally:
        web.terminate()
        web.wait(30)


def _children(pid: int) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        if found:
            return found
        time.sleep(0.1)
    return [pid]


def _high_water_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--via", choices=["cli", "api", "both"], default="both")
    parser.add_argument("--pad", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bars.csv"
        rows = write_file(path, args.megabytes, args.pad)
        size = path.stat().st_size / 1e6
        print(f"file: {size:,.0f} MB, {rows:,} rows")
        for name, run in (("cli", via_cli), ("api", via_api)):
            if args.via not in (name, "both"):
                continue
            with scratch_postgres("weaver_bench_csvmem") as url:
                peak_mb, seconds, summary = run(path, url)
            print(f"{name}: peak RSS {peak_mb:,.0f} MB, {seconds:,.1f} s = {rows / seconds:,.0f} rows/s "
                  f"= {size / seconds:,.1f} MB/s  ({summary[:200]})")


if __name__ == "__main__":
    main()
