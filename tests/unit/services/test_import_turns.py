"""A CSV import lets the web worker's other requests run between its batches: under gevent (`weaver web`)
a request holds its worker until it yields, and a large import would otherwise hold it for minutes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROGRAM = """
from gevent import monkey; monkey.patch_all()
import sys, gevent
from app.services import csv_import

turns = []
def other_request():
    while True:
        turns.append(len(seen))
        gevent.sleep(0)

seen = []
csv_import.take_turns, original = (lambda: (seen.append(1), original())[1]), csv_import.take_turns
gevent.spawn(other_request)
gevent.sleep(0)
survey = csv_import.survey(sys.argv[1])
assert survey.good == 60_000, survey
# The other greenlet ran between batches, not only before and after the survey.
print(len(seen), len(set(turns)))
"""


def test_the_survey_of_a_large_file_yields_between_batches(tmp_path: Path) -> None:
    path = tmp_path / "bars.csv"
    with path.open("w") as out:
        out.write("timestamp,open,high,low,close,volume\n")
        for i in range(60_000):
            out.write(f"{1_600_000_000 + 60 * i},10.00,10.50,9.50,10.25,100\n")
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    batches, distinct_turns = map(int, done.stdout.split())
    assert batches >= 3
    assert distinct_turns >= batches  # a turn after each batch
