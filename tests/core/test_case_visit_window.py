"""One case's home-visit window from its facts: the clock's start, the interval in force, the window."""

from __future__ import annotations

from datetime import date

from rso_manager.domain.case_visit_window import (
    CaseStart,
    PlanTerms,
    Release,
    TakeOver,
    case_start,
    home_visit_window,
    interval_in_force,
)
from rso_manager.domain.dates import add_working_days
from rso_manager.domain.visit_policy import load_default_policy
from rso_manager.domain.visit_window import RiskLevel, Trigger, TriggerKind

POLICY = load_default_policy()
OPENED = date(2020, 1, 6)


def test_the_clock_starts_at_the_first_conviction_or_else_when_the_case_was_opened():
    assert case_start(date(2019, 12, 2), OPENED, None, None) == CaseStart(date(2019, 12, 2), "the case start", False)
    assert case_start(None, OPENED, None, None) == CaseStart(OPENED, "the case start", False)


def test_a_later_release_restarts_the_clock_and_one_on_the_same_day_does_not():
    start = case_start(date(2019, 12, 2), OPENED, Release(date(2021, 3, 1), "hospital"), None)
    assert start == CaseStart(date(2021, 3, 1), "the release from hospital", True)
    assert not case_start(date(2019, 12, 2), OPENED, Release(date(2019, 12, 2), "custody"), None).restarts_clock


def test_a_police_take_over_on_or_after_the_start_restarts_the_clock_and_names_the_agency():
    start = case_start(None, OPENED, Release(date(2021, 3, 1), "custody"), TakeOver(date(2021, 3, 1), "probation"))
    assert start == CaseStart(date(2021, 3, 1), "the police take-over from the Probation Service", True)
    earlier = case_start(None, OPENED, Release(date(2021, 3, 1), "custody"), TakeOver(date(2021, 2, 1), "probation"))
    assert earlier.what == "the release from custody"


def test_an_unassessed_case_is_visited_as_very_high_risk():
    assert interval_in_force(None, None, (), (), date(2024, 1, 1), POLICY).months == 1
    assert interval_in_force("medium", None, (), (), date(2024, 1, 1), POLICY).months == 6


def test_a_longer_plan_interval_applies_only_once_signed_off():
    unsigned = interval_in_force("high", PlanTerms(False, 6, None), (), (), date(2024, 1, 1), POLICY)
    assert (unsigned.months, unsigned.needs_sign_off) == (3, True)
    signed = interval_in_force("high", PlanTerms(False, 6, date(2023, 12, 1)), (), (), date(2024, 1, 1), POLICY)
    assert (signed.months, signed.needs_sign_off) == (6, False)


def test_reactive_management_has_no_interval_until_a_trigger_after_the_sign_off():
    low = [(date(2019, 1, 1), RiskLevel.LOW)]
    plan = PlanTerms(True, None, date(2023, 6, 1))
    assert interval_in_force("low", plan, low, (), date(2024, 1, 1), POLICY) is None
    trigger = [Trigger(date(2023, 9, 1), TriggerKind.INTELLIGENCE)]
    assert interval_in_force("low", plan, low, trigger, date(2024, 1, 1), POLICY).months == 12
    # Not yet signed off: the OMU default for the risk level stands.
    assert interval_in_force("low", PlanTerms(True, None, None), low, (), date(2024, 1, 1), POLICY).months == 12


def test_the_window_runs_from_a_restarting_start_when_the_last_visit_came_before_it():
    start = CaseStart(date(2024, 3, 4), "the release from custody", True)
    window = home_visit_window(date(2023, 1, 9), start, interval_in_force("low", None, (), (), date(2024, 3, 5), POLICY),
                               (), date(2024, 3, 5), POLICY)
    assert (window.earliest, window.latest) == (start.on, add_working_days(start.on, POLICY.trigger_working_days))
    assert "the release from custody" in window.reason
    after = home_visit_window(date(2024, 3, 11), start, interval_in_force("low", None, (), (), date(2024, 3, 12), POLICY),
                              (), date(2024, 3, 12), POLICY)
    assert after.latest == date(2025, 3, 11)
