""""A period of N months beginning with" a date: the corresponding-date rule (domain.md section 6),
checked over every start day of several years, leap years included, against a month-by-month
count written independently of the code under test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rso_manager.domain.dates import london_day, within_months_beginning_with


def _corresponding(start: date, months: int) -> date | None:
    """The date N months on with START's day of the month, walking one month at a time;
    None where that month has no such day."""
    year, month = start.year, start.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return date(year, month, start.day)
    except ValueError:
        return None


def _expected(start: date, months: int) -> date:
    corresponding = _corresponding(start, months)
    if corresponding is not None:
        return corresponding - timedelta(days=1)
    # No corresponding day: the last day of that month, i.e. the day before the 1st after it.
    year, month = start.year, start.month
    for _ in range(months + 1):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 1) - timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 3, 1), 1, date(2026, 3, 31)),    # the brief's example: not 28 March
        (date(2026, 5, 1), 1, date(2026, 5, 31)),    # domain.md: not 30 May
        (date(2027, 3, 1), 12, date(2028, 2, 29)),   # domain.md: into a leap February
        (date(2024, 2, 29), 60, date(2029, 2, 28)),  # no 29 February 2029: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 14)),
        (date(2020, 1, 1), 60, date(2024, 12, 31)),
        (date(2024, 3, 1), 120, date(2034, 2, 28)),  # 10 years (s.82) from a 1 March
        (date(2024, 3, 1), 42, date(2027, 8, 31)),   # 3.5 years (halved youth period)
        (date(2025, 3, 1), 18, date(2026, 8, 31)),   # an 18-month conditional discharge
    ],
)
def test_worked_examples(start, months, end):
    assert within_months_beginning_with(start, months) == end


@pytest.mark.parametrize("months", [1, 2, 3, 6, 12, 18, 24, 42, 60, 84, 96, 120, 180])
def test_every_start_day_of_2023_to_2029(months):
    """Seven years: two leap years (2024, 2028) and every month length as start and end."""
    day, wrong = date(2023, 1, 1), []
    while day <= date(2029, 12, 31):
        got = within_months_beginning_with(day, months)
        if got != _expected(day, months):
            wrong.append((day, got, _expected(day, months)))
        day += timedelta(days=1)
    assert wrong == []


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 240))
def test_properties(start, months):
    end = within_months_beginning_with(start, months)
    assert end == _expected(start, months)
    assert end >= start
    # It ends in the month before the Nth month after START (a start on the 1st) or in that month.
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) in (months - 1, months)
    # Ending on a month's last day is what a start on the 1st, or a missing day, gives.
    if start.day == 1:
        assert (end + timedelta(days=1)).day == 1


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 30)), st.integers(1, 240))
def test_a_later_start_never_ends_earlier(start, months):
    assert within_months_beginning_with(start + timedelta(days=1), months) >= within_months_beginning_with(start, months)


def test_a_period_is_at_least_a_month():
    with pytest.raises(ValueError):
        within_months_beginning_with(date(2026, 1, 1), 0)


# --- the London day of a stored instant ----------------------------------------------------------

def test_london_day_of_a_summer_night_is_the_next_utc_day():
    # 00:30 BST on 15 July is 23:30 UTC on 14 July.
    assert london_day(datetime(2026, 7, 14, 23, 30, tzinfo=UTC)) == date(2026, 7, 15)
    assert london_day(datetime(2026, 1, 14, 23, 30, tzinfo=UTC)) == date(2026, 1, 14)
    assert london_day(datetime(2026, 7, 15, 0, 30, tzinfo=timezone(timedelta(hours=1)))) == date(2026, 7, 15)


def test_london_day_refuses_a_naive_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        london_day(datetime(2026, 7, 14, 23, 30))


def test_one_london_day():
    from rso_manager.domain import safeguarding_clocks

    assert safeguarding_clocks.london_day is london_day


# --- what the fix changes in the statutory periods (domain.md 1.8, 1.10) ---------------------------

def test_statutory_periods_beginning_on_the_first_of_a_month_run_to_the_end_of_the_last():
    from rso_manager.domain.notification_due import review_qualifying_date
    from rso_manager.domain.notification_period import DisposalKind, notification_period

    adult, youth = date(1980, 6, 1), date(2010, 6, 1)
    # s.82 caution, 2 years beginning with 1 March 2026: to 29 February 2028 (was 28 February).
    assert notification_period(DisposalKind.CAUTION, date(2026, 3, 1), adult).end == date(2028, 2, 29)
    # Halved for a youth: 1 year beginning with 1 March 2023 ends 29 February 2024.
    assert notification_period(DisposalKind.CAUTION, date(2023, 3, 1), youth).end == date(2024, 2, 29)
    # A one-month conditional discharge beginning with 1 March ends 31 March (was 28 March).
    assert notification_period(DisposalKind.CONDITIONAL_DISCHARGE, date(2026, 3, 1), adult,
                               discharge_months=1).end == date(2026, 3, 31)
    # s.91B: 15 years beginning with a first notification on 1 March 2013 end 29 February 2028,
    # so the qualifying date is 1 March 2028 (was 29 February, a day early).
    assert review_qualifying_date(date(2013, 3, 1), False) == date(2028, 3, 1)
