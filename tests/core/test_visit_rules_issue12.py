"""Issue 12 visit rules without a database: catching up an overdue visit, the clock restarting at
a release or hand-over, London times in pattern checks, and the review interval policy."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files

import pytest

from rso_manager.domain.dates import add_working_days
from rso_manager.domain.visit_policy import PolicyError, load_default_policy, policy_from_dict
from rso_manager.domain.visit_window import (
    DueWindow,
    RiskLevel,
    TimeBand,
    booking_departure,
    catch_up_by,
    due_window,
    pattern_warning,
    visit_stamp,
)

POLICY = load_default_policy()
TODAY = date(2026, 11, 25)  # a Wednesday


def raw_policy() -> dict:
    return json.loads(files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8"))


# --- booking -------------------------------------------------------------------------------------

OVERDUE = DueWindow(date(2026, 9, 25), date(2026, 10, 2), "every 1 month from the last home visit")
OPEN = DueWindow(date(2026, 11, 20), date(2026, 12, 10), "every 3 months")


def test_catching_up_means_within_the_planners_overdue_working_days():
    assert catch_up_by(OVERDUE, TODAY, POLICY) == add_working_days(TODAY, POLICY.overdue_working_days) == date(2026, 11, 30)
    assert catch_up_by(OPEN, TODAY, POLICY) is None
    assert catch_up_by(DueWindow(None, None, "reactive"), TODAY, POLICY) is None


@pytest.mark.parametrize("on", [TODAY, date(2026, 11, 27), date(2026, 11, 30)])
def test_booking_an_overdue_visit_soon_is_not_a_departure(on):
    assert booking_departure(OVERDUE, on, TODAY, POLICY) is None


def test_booking_an_overdue_visit_later_is():
    why = booking_departure(OVERDUE, date(2026, 12, 1), TODAY, POLICY)
    assert why == ("overdue since 2026-10-03 and booked for 2026-12-01, later than catching up within 3 working "
                   "days (by 2026-11-30)")


def test_booking_inside_or_outside_a_window_not_yet_overdue():
    assert booking_departure(OPEN, date(2026, 12, 10), TODAY, POLICY) is None
    assert booking_departure(OPEN, date(2026, 12, 11), TODAY, POLICY) == "outside the due window (2026-11-20 to 2026-12-10)"
    # Due today, booked for tomorrow: not yet overdue, so after the window is still a departure.
    due_today = DueWindow(date(2026, 11, 1), TODAY, "")
    assert booking_departure(due_today, TODAY + timedelta(days=1), TODAY, POLICY) is not None
    assert booking_departure(DueWindow(None, None, "reactive"), date(2027, 6, 1), TODAY, POLICY) is None


# --- the first-visit clock -----------------------------------------------------------------------

def test_a_hand_over_restarts_the_clock_even_after_an_old_home_visit():
    handed_over = date(2026, 11, 23)
    window = due_window(date(2019, 5, 1), handed_over, 3, [], TODAY, POLICY,
                        case_start_is="the police take-over from the Probation Service", restarts_clock=True)
    assert (window.earliest, window.latest) == (handed_over, add_working_days(handed_over, 10))
    assert window.reason == ("no home visit since then: first visit due within 10 working days of the police "
                             "take-over from the Probation Service on 2026-11-23")


def test_without_a_restart_an_old_visit_still_sets_the_interval():
    window = due_window(date(2026, 10, 1), date(2015, 1, 1), 3, [], TODAY, POLICY)
    assert window.latest == date(2027, 1, 1)
    # A visit after the restart is the clock, as ever.
    after = due_window(date(2026, 11, 24), date(2026, 11, 23), 3, [], TODAY, POLICY, restarts_clock=True)
    assert after.latest == date(2027, 2, 24)


# --- London times in the pattern rules ------------------------------------------------------------

def test_a_stored_utc_time_is_stamped_with_the_london_day_and_band():
    # 16:30 UTC on a summer Tuesday is 17:30 in London: evening, not afternoon.
    assert visit_stamp(datetime(2026, 7, 14, 16, 30, tzinfo=UTC), POLICY) == (date(2026, 7, 14), TimeBand.EVENING)
    # 23:30 UTC on Tuesday 14 July is 00:30 on Wednesday in London (outside every band).
    assert visit_stamp(datetime(2026, 7, 14, 23, 30, tzinfo=UTC), POLICY) == (date(2026, 7, 15), None)


def test_pattern_warning_judges_the_weekday_in_london():
    # Three Tuesdays at 17:30 BST, stored in UTC as 16:30: the evening band, as the offender saw it.
    stamps = [datetime(2026, 6, d, 16, 30, tzinfo=UTC) for d in (2, 9, 16)]
    assert pattern_warning(stamps, POLICY) == ("the last 3 visits were all on a Tuesday and all in the evening "
                                               "band: vary the day and time")


# --- the review interval ---------------------------------------------------------------------------

def test_the_default_review_interval_follows_the_risk_ladder():
    assert [POLICY.review_months("ARMS", r) for r in RiskLevel] == [12, 6, 3, 1]
    assert POLICY.review_months("RM2000", "very_high") == 1


def test_a_tool_may_have_its_own_review_interval():
    d = raw_policy()
    d["assessment_review_months"]["RM2000"] = {"very_high": 12, "high": 12, "medium": 24, "low": 24}
    policy = policy_from_dict(d)
    assert policy.review_months("RM2000", "high") == 12 and policy.review_months("ARMS", "high") == 3


def test_a_policy_saved_before_review_intervals_reads_the_shipped_ones():
    d = raw_policy()
    del d["assessment_review_months"]
    assert policy_from_dict(d).review_months("ARMS", "low") == 12


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda r: r.pop("default"), "'assessment_review_months'"),
        (lambda r: r.update(ARMZ={"very_high": 1, "high": 1, "medium": 1, "low": 1}), "'assessment_review_months.ARMZ'"),
        (lambda r: r["default"].pop("low"), "'assessment_review_months.default'"),
        (lambda r: r["default"].update(high=0), "'assessment_review_months.default.high'"),
        (lambda r: r["default"].update(low=61), "'assessment_review_months.default.low'"),
    ],
)
def test_a_bad_review_interval_names_the_key(change, named):
    d = raw_policy()
    change(d["assessment_review_months"])
    with pytest.raises(PolicyError, match=named):
        policy_from_dict(d)
