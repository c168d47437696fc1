"""`--grid` as lists or inclusive ranges, as Haro's grid editor reads them; bad ranges say what is wrong."""

from __future__ import annotations

import click
import pytest

from app.cli.grid_option import parse_grid, parse_params


def test_lists_and_ranges() -> None:
    assert parse_grid(("fast=5, 10,20", "slow=20:50:10", "k=1:3", "w=0.5:1.5:0.25")) == {
        "fast": ["5", "10", "20"], "slow": ["20", "30", "40", "50"], "k": ["1", "2", "3"],
        "w": ["0.50", "0.75", "1.00", "1.25", "1.50"]}
    assert parse_grid(("fast=2:20:4",)) == {"fast": ["2", "6", "10", "14", "18"]}  # the stop if a step lands on it


@pytest.mark.parametrize(("item", "message"), [
    ("fast", "--grid takes NAME=V1,V2,... or NAME=START:STOP[:STEP], got 'fast'"),
    ("fast=", "--grid takes NAME=V1,V2,... or NAME=START:STOP[:STEP], got 'fast='"),
    ("fast=a:b", "--grid range takes NAME=START:STOP[:STEP] in numbers, got 'fast=a:b'"),
    ("fast=1:2:3:4", "--grid range takes NAME=START:STOP[:STEP] in numbers, got 'fast=1:2:3:4'"),
    ("fast=1:10:0", "--grid 'fast=1:10:0': the step must be positive"),
    ("fast=10:1", "--grid 'fast=10:1': the range must go up (START:STOP:STEP)"),
    ("fast=1:1000", "--grid 'fast=1:1000': that range has 1,000 values; 500 at most"),
])
def test_bad_items_are_usage_errors_saying_why(item: str, message: str) -> None:
    with pytest.raises(click.UsageError) as refused:
        parse_grid((item,))
    assert refused.value.message == message


@pytest.mark.parametrize(("items", "message"), [
    (("fast=5,10", "fast=5", "slow=20,40"), "--grid fast is given twice: list all its values in one --grid fast=5,10"),
    (("fast=5", " fast =8"), "--grid fast is given twice: list all its values in one --grid fast=5,8"),
    (("fast=5:10", "fast=20"), "--grid fast is given twice: list all its values in one --grid fast=V1,V2,... or "
                               "START:STOP[:STEP]"),
])
def test_a_name_given_twice_is_a_usage_error_naming_it(items: tuple[str, ...], message: str) -> None:
    with pytest.raises(click.UsageError) as refused:
        parse_grid(items)
    assert refused.value.message == message


def test_params_as_text_and_a_name_given_twice_is_a_usage_error() -> None:
    assert parse_params(("fast=5", " slow=20")) == {"fast": "5", "slow": "20"}
    with pytest.raises(click.UsageError) as refused:
        parse_params(("fast=5", "slow=20", "fast=8"))
    assert refused.value.message == "--param fast is given twice (fast=5, fast=8): give it once"
    with pytest.raises(click.UsageError, match="--param takes NAME=VALUE, got 'fast'"):
        parse_params(("fast",))
