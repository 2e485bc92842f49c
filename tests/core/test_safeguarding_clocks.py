from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rso_manager.domain.safeguarding_clocks import (
    CsodsPolicy,
    CsodsStage,
    ReferralFlag,
    concern_without_referral,
    csods_deadlines,
    csods_status,
    durations,
    referral_decision_due,
    referral_flag,
    summary,
)

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=LONDON)


def test_referral_christmas_eve_due_end_of_tuesday_29th() -> None:
    due = referral_decision_due(london(2026, 12, 24, 15, 0))
    assert due == end_of(date(2026, 12, 29))
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)


def test_referral_uses_london_day_not_utc_day() -> None:
    # 23:30 UTC on Sun 28 Jun is 00:30 BST on Mon 29 Jun, so the decision is due end of Tue 30th.
    assert referral_decision_due(datetime(2026, 6, 28, 23, 30, tzinfo=UTC)) == end_of(date(2026, 6, 30))


def test_referral_extra_holidays() -> None:
    due = referral_decision_due(london(2026, 6, 1, 9), extra_holidays=[date(2026, 6, 2)])
    assert due == end_of(date(2026, 6, 3))


def test_referral_flag() -> None:
    referred = london(2026, 12, 24, 15, 0)
    assert referral_flag(referred, None, london(2026, 12, 29, 23, 0)) is None
    assert referral_flag(referred, None, london(2026, 12, 30, 0, 1)) is ReferralFlag.DECISION_OVERDUE
    assert referral_flag(referred, london(2026, 12, 29, 16), london(2027, 1, 5)) is None
    assert referral_flag(referred, london(2026, 12, 30, 9), london(2027, 1, 5)) is ReferralFlag.DECISION_LATE


def test_naive_datetime_refused() -> None:
    with pytest.raises(ValueError):
        referral_decision_due(datetime(2026, 12, 24, 15))


def test_concern_without_referral_flagged_after_the_day_ends() -> None:
    concern = london(2026, 3, 10, 14)
    assert not concern_without_referral(concern, None, london(2026, 3, 10, 23, 59))
    assert concern_without_referral(concern, None, london(2026, 3, 11, 0, 0))
    assert not concern_without_referral(concern, london(2026, 3, 10, 22), london(2026, 3, 12))
    assert concern_without_referral(concern, london(2026, 3, 11, 9), london(2026, 3, 12))


def test_csods_deadlines() -> None:
    applied = london(2026, 5, 1, 10, 30)
    d = csods_deadlines(applied)
    assert d.checks_by == london(2026, 5, 2, 10, 30)
    assert d.interview_by == end_of(date(2026, 5, 11))
    assert d.complete_by == end_of(date(2026, 6, 15))
    custom = csods_deadlines(applied, CsodsPolicy(timedelta(hours=12), 7, 30))
    assert custom.checks_by == london(2026, 5, 1, 22, 30)
    assert custom.complete_by == end_of(date(2026, 5, 31))


def test_csods_status() -> None:
    d = csods_deadlines(london(2026, 5, 1, 10, 30))
    assert csods_status(d, None, None, None, london(2026, 5, 2, 10, 30)) == []
    assert csods_status(d, None, None, None, london(2026, 5, 2, 11)) == [CsodsStage.CHECKS]
    checked = london(2026, 5, 1, 16)
    assert csods_status(d, checked, None, None, london(2026, 5, 12, 9)) == [CsodsStage.INTERVIEW]
    assert csods_status(d, checked, None, None, london(2026, 6, 16)) == [
        CsodsStage.INTERVIEW, CsodsStage.COMPLETE]
    assert csods_status(d, None, None, london(2026, 6, 20), london(2026, 7, 1)) == []


def test_durations_and_summary() -> None:
    concern = london(2026, 3, 10, 9)
    assert durations(concern, london(2026, 3, 12, 9), None) == (timedelta(days=2), None)
    assert durations(concern, london(2026, 3, 10, 8), london(2026, 3, 24, 9)) == (
        timedelta(0), timedelta(days=14))
    assert summary([]) == (None, None)
    assert summary([timedelta(hours=1), None, timedelta(days=2), timedelta(hours=3),
                    timedelta(hours=5)]) == (timedelta(hours=4), timedelta(days=2))
