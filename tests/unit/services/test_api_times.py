"""Any time a client can write is either a UTC time between 1970 and 2100 or a ValueError (a 422), never
an OverflowError (a 500): times near year 1 or 9999 overflow when converted to UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.specs import as_utc

OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59))
ZONES = st.one_of(st.none(), st.just(UTC), OFFSETS.map(timezone))


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.datetimes(timezones=ZONES))
def test_any_time_is_utc_in_range_or_a_value_error(value: datetime) -> None:
    try:
        utc = as_utc(value)
    except ValueError as exc:
        assert "1970" in str(exc) and "2100" in str(exc)
    else:
        assert utc is not None and utc.tzinfo is UTC
        assert datetime(1970, 1, 1, tzinfo=UTC) <= utc < datetime(2101, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", [datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                                   datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-1)))])
def test_times_that_overflow_in_utc_are_a_value_error(value: datetime) -> None:
    with pytest.raises(ValueError, match="1970"):
        as_utc(value)


def test_the_edges_of_the_range() -> None:
    assert as_utc(datetime(1970, 1, 1)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert as_utc(datetime(2100, 12, 31, 23, 59, 59)) == datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert as_utc(datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))) == datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        as_utc(datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
