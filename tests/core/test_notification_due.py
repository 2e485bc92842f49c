from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rso_manager.domain.notification_due import (
    NotificationKind,
    NotificationPolicy,
    Notified,
    Stay,
    advance_notice_change_due,
    change_due,
    details_2012_due,
    did_not_occur_due,
    further_review_date,
    household_stay_due,
    household_stay_notifiable,
    initial_due,
    is_late,
    is_overdue,
    periodic_anchor,
    periodic_due,
    qualifying_period_reached,
    review_qualifying_date,
    travel_due,
    travel_short_notice_due,
    weekly_due,
)
from rso_manager.domain.notification_period import DisregardedPeriod

K = NotificationKind


def custody(a: date, b: date) -> DisregardedPeriod:
    return DisregardedPeriod(a, b)


@pytest.mark.parametrize(
    ("relevant", "periods", "due"),
    [
        (date(2026, 3, 10), [], date(2026, 3, 12)),  # R1: relevant date + 2
        (date(2024, 2, 28), [], date(2024, 3, 1)),  # across 29 February
        (date(2025, 2, 28), [], date(2025, 3, 2)),
        # remanded on conviction, released 1 June: window starts the day after release
        (date(2026, 3, 10), [custody(date(2026, 3, 10), date(2026, 6, 1))], date(2026, 6, 4)),
        # abroad for a day in the middle of the window
        (date(2026, 3, 10), [custody(date(2026, 3, 11), date(2026, 3, 11))], date(2026, 3, 13)),
    ],
)
def test_initial_due(relevant, periods, due):
    assert initial_due(relevant, periods) == due


def test_change_due_is_event_plus_two_and_policy_overrides():
    assert change_due(date(2026, 5, 1)) == date(2026, 5, 3)
    assert change_due(date(2026, 5, 1), policy=NotificationPolicy(days=7)) == date(2026, 5, 7)


SPECIFIED = date(2026, 6, 10)


@pytest.mark.parametrize(
    ("occurred", "change", "did_not_occur"),
    [
        (date(2026, 6, 7), date(2026, 6, 9), None),  # 3 days early: s.84(3) duty runs afresh
        (date(2026, 6, 8), None, None),  # exactly 2 days early: advance notice stands
        (SPECIFIED, None, None),
        (date(2026, 6, 12), None, None),  # last day of 3 days beginning with the date given
        (date(2026, 6, 13), date(2026, 6, 15), date(2026, 6, 15)),  # s.84(4)
        (date(2026, 6, 20), date(2026, 6, 22), date(2026, 6, 15)),
    ],
)
def test_advance_notice(occurred, change, did_not_occur):
    assert advance_notice_change_due(SPECIFIED, occurred) == change
    assert did_not_occur_due(SPECIFIED, occurred) == did_not_occur


def test_did_not_occur_pending_event_is_due_specified_plus_five():
    assert did_not_occur_due(SPECIFIED, None) == date(2026, 6, 15)
    assert not is_overdue(date(2026, 6, 15), date(2026, 6, 15), notified=False)
    assert is_overdue(date(2026, 6, 15), date(2026, 6, 16), notified=False)


def test_periodic_anchor_ignores_2012_only_and_travel_updates():
    history = [
        Notified(date(2025, 1, 5), K.INITIAL),
        Notified(date(2025, 4, 1), K.CHANGE),
        Notified(date(2025, 6, 1), K.DETAILS_2012),
        Notified(date(2025, 7, 1), K.TRAVEL),
        Notified(date(2025, 8, 1), K.HOUSEHOLD),
        Notified(date(2025, 9, 1), K.DID_NOT_OCCUR),
    ]
    assert periodic_anchor(history) == date(2025, 4, 1)
    assert periodic_anchor([]) is None
    everything = NotificationPolicy(resets_periodic=frozenset(NotificationKind))
    assert periodic_anchor(history, everything) == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("anchor", "periods", "due"),
    [
        (date(2025, 3, 10), [], date(2026, 3, 10)),
        (date(2024, 2, 29), [], date(2025, 2, 28)),
        (date(2025, 3, 10), [custody(date(2026, 3, 1), date(2026, 4, 15))], date(2026, 4, 18)),
        # abroad ending on the due date itself
        (date(2025, 3, 10), [custody(date(2026, 3, 5), date(2026, 3, 10))], date(2026, 3, 13)),
        # custody ended before the due date: no extension
        (date(2025, 3, 10), [custody(date(2026, 1, 1), date(2026, 3, 9))], date(2026, 3, 10)),
        # extended deadline lands in a second period: s.85(3) applies again
        (
            date(2025, 3, 10),
            [
                custody(date(2026, 3, 1), date(2026, 3, 20)),
                custody(date(2026, 3, 23), date(2026, 4, 2)),
            ],
            date(2026, 4, 5),
        ),
    ],
)
def test_periodic_due(anchor, periods, due):
    assert periodic_due(anchor, periods) == due


def test_weekly_overdue_on_day_8():
    anchor = date(2026, 1, 5)
    due = weekly_due(anchor)
    assert due == date(2026, 1, 12)
    assert not is_overdue(due, date(2026, 1, 12), notified=False)
    assert is_overdue(due, date(2026, 1, 13), notified=False)
    assert not is_overdue(due, date(2026, 1, 13), notified=True)


def test_travel():
    assert travel_due(date(2026, 8, 15)) == date(2026, 8, 8)
    assert travel_due(date(2026, 3, 3)) == date(2026, 2, 24)
    departure = datetime(2026, 8, 15, 6, 30, tzinfo=UTC)
    assert travel_short_notice_due(departure) == datetime(2026, 8, 14, 18, 30, tzinfo=UTC)
    assert travel_short_notice_due(
        departure, NotificationPolicy(travel_short_notice_hours=24)
    ) == datetime(2026, 8, 14, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "child", "notifiable"),
    [(12, True, True), (11.9, True, False), (48, False, False), (100, True, True)],
)
def test_household_stay_notifiable(hours, child, notifiable):
    assert household_stay_notifiable(hours, child) is notifiable


def test_household_stay_due():
    assert household_stay_due(date(2026, 7, 1)) == date(2026, 7, 3)


def test_details_2012_due_with_next_notification():
    assert details_2012_due([date(2026, 9, 1), date(2026, 5, 3)]) == date(2026, 5, 3)
    assert details_2012_due([]) is None


@pytest.mark.parametrize(
    ("stays", "as_of", "reached"),
    [
        ([Stay(date(2026, 1, 1), date(2026, 1, 7))], date(2026, 2, 1), date(2026, 1, 7)),
        ([Stay(date(2026, 1, 1), date(2026, 1, 6))], date(2026, 2, 1), None),
        ([Stay(date(2026, 1, 1), date(2026, 1, 30))], date(2026, 1, 5), None),  # not yet
        (  # two periods within 12 months totalling 7 days
            [Stay(date(2026, 1, 1), date(2026, 1, 3)), Stay(date(2026, 5, 1), date(2026, 5, 4))],
            date(2026, 12, 31),
            date(2026, 5, 4),
        ),
        (  # the same days, but the 12 months beginning with 1 Jan 2025 end 31 Dec 2025
            [
                Stay(date(2025, 1, 1), date(2025, 1, 4)),
                Stay(date(2025, 12, 29), date(2025, 12, 31)),
            ],
            date(2026, 6, 1),
            date(2025, 12, 31),
        ),
        (
            [Stay(date(2025, 1, 1), date(2025, 1, 4)), Stay(date(2025, 12, 30), date(2026, 1, 1))],
            date(2026, 6, 1),
            None,
        ),
        (  # overlapping records of the same days count once
            [Stay(date(2026, 1, 1), date(2026, 1, 4)), Stay(date(2026, 1, 3), date(2026, 1, 6))],
            date(2026, 2, 1),
            None,
        ),
    ],
)
def test_qualifying_period(stays, as_of, reached):
    assert qualifying_period_reached(stays, as_of) == reached


def test_qualifying_period_then_change_due():
    reached = qualifying_period_reached(
        [Stay(date(2026, 1, 1), date(2026, 1, 10))], date(2026, 1, 10)
    )
    assert change_due(reached) == date(2026, 1, 9)


@pytest.mark.parametrize(
    ("due", "notified", "late"),
    [(date(2026, 1, 3), date(2026, 1, 3), False), (date(2026, 1, 3), date(2026, 1, 4), True)],
)
def test_is_late(due, notified, late):
    assert is_late(due, notified) is late


@pytest.mark.parametrize(
    ("notification", "youth", "qualifying"),
    [
        (date(2010, 6, 15), False, date(2025, 6, 15)),
        (date(2010, 6, 15), True, date(2018, 6, 15)),
        # the 15-year period beginning with 29 Feb 2012 ends 28 Feb 2027
        (date(2012, 2, 29), False, date(2027, 3, 1)),
        (date(2012, 3, 1), False, date(2027, 3, 1)),
    ],
)
def test_review_qualifying_date(notification, youth, qualifying):
    assert review_qualifying_date(notification, youth) == qualifying


def test_further_review_date():
    assert further_review_date(date(2020, 3, 1)) == date(2028, 3, 1)
    assert further_review_date(
        date(2020, 3, 1), NotificationPolicy(further_review_years=15)
    ) == date(2035, 3, 1)


# --- properties -----------------------------------------------------------------------------

dates_ = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
periods_ = st.lists(st.tuples(st.integers(-30, 400), st.integers(0, 60)), max_size=4)


@given(dates_, periods_)
def test_periodic_due_never_in_disregarded_time_and_never_early(anchor, raw):
    periods = [custody(anchor + timedelta(days=s), anchor + timedelta(days=s + n)) for s, n in raw]
    due = periodic_due(anchor, periods)
    assert due >= periodic_due(anchor)
    assert not any(p.covers(due) for p in periods)


@given(dates_, st.lists(st.tuples(st.integers(0, 500), st.integers(0, 10)), max_size=6))
def test_qualifying_day_is_a_stay_day_with_seven_in_window(start, raw):
    stays = [Stay(start + timedelta(days=s), start + timedelta(days=s + n)) for s, n in raw]
    reached = qualifying_period_reached(stays, start + timedelta(days=600))
    if reached is not None:
        assert any(s.start <= reached <= s.end for s in stays)
