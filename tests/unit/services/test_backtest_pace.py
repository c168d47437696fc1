"""How many of a message's runs one transaction claims: about GROUP_SECONDS of engine time."""

from app.services.backtests import GROUP_SECONDS, Pace


def test_until_a_run_has_finished_runs_are_claimed_one_at_a_time() -> None:
    assert Pace().group(8) == 1
    assert Pace().group(0) == 0


def test_short_runs_are_claimed_together_up_to_what_is_left() -> None:
    pace = Pace()
    pace.note(GROUP_SECONDS / 5)
    assert pace.group(8) == 5
    assert pace.group(3) == 3
    pace.note(0.0)  # a run too short to time: the whole message
    assert pace.group(8) == 8


def test_long_runs_go_one_per_transaction() -> None:
    pace = Pace()
    pace.note(GROUP_SECONDS * 10)
    assert pace.group(8) == 1
    assert pace.group(0) == 0
