"""The collector's young objects join the oldest generation after a run, unless the process froze objects
of its own (a worker at boot): those stay frozen, and whether there are any is looked up once."""

from __future__ import annotations

import gc

import pytest

from app.greta import records
from app.greta.records import settle_young


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = gc.get_freeze_count

    def counting() -> int:
        calls.append(1)
        return real()

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    monkeypatch.setattr(records, "_process_froze", None)
    return calls


def test_a_process_that_froze_at_boot_keeps_its_objects_frozen_and_is_asked_once(counted: list[int]) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        counted.clear()
        for _ in range(5):
            settle_young()
        assert len(counted) == 1  # one walk of the frozen objects, not one per run
        assert gc.get_freeze_count() >= frozen  # nothing handed back to the collector
    finally:
        gc.unfreeze()


def test_a_process_that_froze_nothing_moves_the_young_objects_on_and_freezes_nothing(counted: list[int]) -> None:
    assert gc.get_freeze_count() == 0
    counted.clear()
    kept = [[i] for i in range(10_000)]  # young objects
    settle_young()
    settle_young()
    assert len(counted) == 1
    assert gc.get_freeze_count() == 0
    assert gc.get_count()[0] < 10_000 and len(kept) == 10_000
