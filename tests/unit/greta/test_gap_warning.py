"""Long gaps in a file's bars are said (trial 34: three months missing from a daily file ran without a word); a
market's weekends, holidays and nights are not gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from app.greta.data.spacing import gap_warning


def stamps(days: list[date], times: tuple[int, ...] = (0,)) -> np.ndarray:
    return np.array([int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp() + t) * 10**9
                     for d in days for t in times], dtype=np.int64)


def weekdays(first: date, last: date, skip: tuple[date, date] | None = None) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5 and not (skip and skip[0] <= d <= skip[1])]


def test_weekends_holidays_and_nights_are_no_gap():
    year = weekdays(date(2020, 1, 1), date(2020, 12, 31), skip=(date(2020, 12, 24), date(2020, 12, 25)))
    assert gap_warning(stamps(year), "1Day") is None
    minutes = tuple(range(14 * 3600 + 1800, 21 * 3600, 60))  # 14:30-21:00 UTC, every minute
    assert gap_warning(stamps(weekdays(date(2024, 1, 1), date(2024, 1, 31)), minutes), "1Min") is None


def test_a_missing_stretch_is_named_and_several_are_counted():
    one = stamps(weekdays(date(2020, 1, 1), date(2020, 12, 31), skip=(date(2020, 3, 11), date(2020, 4, 30))))
    assert gap_warning(one, "1Day") == (
        "a gap in the bars (none from 2020-03-10 to 2020-05-01, 52 days): an order placed before a gap fills after "
        "it, and annualised figures count the bars the data holds")
    two = [d for d in weekdays(date(2020, 1, 1), date(2020, 12, 31))
           if not (date(2020, 3, 11) <= d <= date(2020, 4, 30) or date(2020, 8, 3) <= d <= date(2020, 8, 14))]
    assert gap_warning(stamps(two), "1Day").startswith(
        "2 gaps of more than 5 days in the bars (the longest: none from 2020-03-10 to 2020-05-01, 52 days)")
