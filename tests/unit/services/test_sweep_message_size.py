"""How many cells go in one message: a sweep alone shares its cells out as four messages, up to 16
cells each; a walk-forward's fold sweeps, fanned out together, as about eight messages in all."""

from __future__ import annotations

import pytest

from app.services.sweeps import sweep_message_size


@pytest.mark.parametrize(("cells", "size"), [(1, 1), (4, 1), (9, 2), (48, 12), (64, 16), (400, 16)])
def test_a_sweep_alone_goes_as_four_messages_of_at_most_sixteen_cells(cells: int, size: int) -> None:
    assert sweep_message_size(cells) == size


@pytest.mark.parametrize(("cells", "sweeps", "size"), [
    (48, 8, 48),  # 8 folds of 48 cells: one message per fold, 8 in all
    (48, 9, 48),  # with the contrast sweep: still one each
    (48, 4, 24),  # 4 folds: two messages each
    (48, 2, 12),  # 2 folds: four messages each, as a sweep alone
    (200, 8, 48),  # never more than 48 cells in a message
    (4, 4, 2),
])
def test_a_walk_forwards_fold_sweeps_go_as_about_eight_messages_in_all(cells: int, sweeps: int, size: int) -> None:
    assert sweep_message_size(cells, sweeps) == size
