"""Duration.between estimates its months from the calendar: it must agree with counting up."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rso_manager.domain.notification_period import Duration


def _counted(start: date, end: date) -> Duration:
    """The rule as first written: count whole months up from START one at a time."""
    months = 0
    while Duration(months=months + 1).end_after(start) <= end:
        months += 1
    rest = (end - Duration(months=months).end_after(start)).days
    return Duration(months // 12, months % 12, 0, rest)


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(days, st.integers(-400, 40 * 366))
def test_between_agrees_with_counting_month_by_month(start, span):
    end = start + timedelta(days=span)
    assert Duration.between(start, end) == _counted(start, end)


@given(days, st.integers(0, 480), st.integers(-3, 3))
def test_between_at_month_ends_and_corresponding_dates(start, months, nudge):
    end = Duration(months=months).end_after(start) + timedelta(days=nudge)
    assert Duration.between(start, end) == _counted(start, end)


def test_between_corresponding_date_examples():
    # 31 January: a month later has no 31st, so one month ends on the last day of February.
    assert Duration.between(date(2027, 1, 31), date(2027, 3, 1)) == Duration(0, 1, 0, 0)
    assert Duration.between(date(2027, 1, 31), date(2027, 2, 28)) == Duration(0, 0, 0, 28)
    assert Duration.between(date(2024, 2, 29), date(2029, 2, 28)) == Duration(4, 11, 0, 30)
    assert Duration.between(date(2024, 2, 29), date(2029, 3, 1)) == Duration(5, 0, 0, 0)
    assert Duration.between(date(2027, 3, 1), date(2027, 3, 1)) == Duration()
