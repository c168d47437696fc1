"""A record's id is uuid5 of its local id in its run's namespace: the fast SHA-1 path gives exactly what
uuid.uuid5 gives (a cell's records rebuilt on demand, and every stored run's, keep their ids)."""

from __future__ import annotations

import uuid

from app.services.results import row_id

RUNS = ["00000000-0000-0000-0000-000000000000", "3f2b6a1c-9d7e-4c1a-8b2f-0e5d4c3b2a19", str(uuid.uuid4())]
LOCAL_IDS = ["o-000001", "f-123456", "t-999999", "p-AAPL", "p-BTC/USD", "", "é-ü-中", "o-" + "9" * 200]


def test_each_id_is_uuid5_of_the_local_id_in_the_runs_namespace() -> None:
    for run_id in RUNS:
        for local_id in LOCAL_IDS:
            assert row_id(run_id, local_id) == str(uuid.uuid5(uuid.UUID(run_id), local_id))


def test_ids_differ_by_run_and_by_record() -> None:
    ids = {row_id(run_id, local_id) for run_id in RUNS for local_id in LOCAL_IDS}
    assert len(ids) == len(RUNS) * len(LOCAL_IDS)
