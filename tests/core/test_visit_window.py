from __future__ import annotations

import json
from datetime import date, datetime, time
from importlib.resources import files

import pytest

from rso_manager.domain.dates import add_working_days
from rso_manager.domain.visit_policy import PolicyError, load_default_policy, policy_from_dict
from rso_manager.domain.visit_window import (
    RiskLevel,
    TimeBand,
    Trigger,
    TriggerKind,
    Visit,
    VisitKind,
    VisitOutcome,
    days_overdue,
    due_window,
    home_visit_interval,
    is_overdue,
    last_home_visit,
    pattern_warning,
    reactive_management_allowed,
    warrant_prompt_due,
)

POLICY = load_default_policy()
LOW, MEDIUM, HIGH, VERY_HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH


def raw_policy() -> dict:
    return json.loads(files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8"))


# --- policy file ---------------------------------------------------------------------------

def test_default_policy_matches_pre_2017_minima_and_defaults():
    assert dict(POLICY.interval_months) == {VERY_HIGH: 1, HIGH: 3, MEDIUM: 6, LOW: 12}
    assert POLICY.trigger_working_days == 10
    assert POLICY.reactive_min_years == 3
    assert POLICY.daily_capacity == 3
    assert POLICY.allowed_weekdays == frozenset(range(6))  # Monday to Saturday
    assert POLICY.time_bands[TimeBand.EVENING] == (time(17), time(21))
    assert POLICY.pattern_run == 3 and POLICY.failed_entries_for_warrant == 2


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.pop("daily_capacity"), "'daily_capacity'"),
        (lambda d: d.update(dayly_capacity=3), "'dayly_capacity'"),
        (lambda d: d["interval_months"].update(high=0), "'interval_months.high'"),
        (lambda d: d["interval_months"].update(very_high=6), "'interval_months.very_high'"),
        (lambda d: d["interval_months"].pop("low"), "'interval_months'"),
        (lambda d: d.update(earliest_fraction=1.0), "'earliest_fraction'"),
        (lambda d: d.update(trigger_working_days=True), "'trigger_working_days'"),
        (lambda d: d.update(allowed_weekdays=["mon", "funday"]), "'allowed_weekdays'"),
        (lambda d: d["time_bands"]["evening"].update(start="11:00"), "'time_bands.evening.start'"),
        (lambda d: d["time_bands"]["morning"].update(end="7:5"), "'time_bands.morning.end'"),
        (lambda d: d.update(failed_entries_for_warrant=1), "'failed_entries_for_warrant'"),
        (lambda d: d.update(pattern_run=1), "'pattern_run'"),
    ],
)
def test_bad_policy_names_the_key(change, named):
    d = raw_policy()
    change(d)
    with pytest.raises(PolicyError, match=named):
        policy_from_dict(d)


def test_policy_band_of_maps_clock_times():
    assert POLICY.band_of(time(8)) is TimeBand.MORNING
    assert POLICY.band_of(time(12)) is TimeBand.AFTERNOON
    assert POLICY.band_of(time(20, 59)) is TimeBand.EVENING
    assert POLICY.band_of(time(6)) is None


# --- interval (R12) ------------------------------------------------------------------------

@pytest.mark.parametrize(("risk", "months"), [(VERY_HIGH, 1), (HIGH, 3), (MEDIUM, 6), (LOW, 12)])
def test_interval_defaults_from_risk_level(risk, months):
    decision = home_visit_interval(risk, None, POLICY)
    assert (decision.months, decision.needs_sign_off) == (months, False)


def test_plan_may_shorten_interval_without_sign_off():
    decision = home_visit_interval(HIGH, 2, POLICY)
    assert (decision.months, decision.needs_sign_off) == (2, False)
    assert "risk management plan" in decision.reason


def test_plan_lengthening_interval_needs_sign_off_and_default_stands_until_then():
    decision = home_visit_interval(HIGH, 6, POLICY)
    assert (decision.months, decision.needs_sign_off) == (3, True)
    assert "sign-off" in decision.reason
    signed = home_visit_interval(HIGH, 6, POLICY, signed_off=True)
    assert (signed.months, signed.needs_sign_off) == (6, False)


def test_interval_follows_current_risk_level_when_risk_rises():
    assert home_visit_interval("medium", None, POLICY).months == 6
    assert home_visit_interval("very_high", None, POLICY).months == 1


def test_plan_interval_must_be_positive():
    with pytest.raises(ValueError):
        home_visit_interval(LOW, 0, POLICY)


# --- due window ----------------------------------------------------------------------------

def test_window_runs_from_last_home_visit_with_earliest_a_quarter_before_latest():
    window = due_window(date(2026, 3, 10), date(2020, 1, 1), 3, [], date(2026, 3, 10), POLICY)
    # 10 Mar -> 10 Jun is 92 days; a quarter is 23 days.
    assert (window.earliest, window.latest) == (date(2026, 5, 18), date(2026, 6, 10))
    assert window.pulled_forward_by is None


def test_trigger_pulls_window_forward_across_christmas_bank_holidays():
    trigger = Trigger(date(2026, 12, 22), TriggerKind.BREACH)
    window = due_window(date(2026, 12, 1), date(2020, 1, 1), 3, [trigger], date(2026, 12, 23), POLICY)
    # Working days after Tue 22 Dec 2026: 23, 24, 29, 30, 31 Dec, 4, 5, 6, 7, 8 Jan. Christmas is a
    # Friday so Mon 28 Dec is the Boxing Day substitute; 1 Jan and the weekends do not count.
    assert window.latest == date(2027, 1, 8) == add_working_days(date(2026, 12, 22), 10)
    assert window.earliest == date(2026, 12, 22)
    assert window.pulled_forward_by == trigger
    assert "breach" in window.reason and "2027-03-01" in window.reason


def test_triggers_before_last_visit_or_after_as_of_are_ignored():
    triggers = [(date(2026, 2, 1), TriggerKind.INTELLIGENCE), (date(2026, 4, 1), TriggerKind.BREACH)]
    window = due_window(date(2026, 3, 10), date(2020, 1, 1), 3, triggers, date(2026, 3, 20), POLICY)
    assert window.latest == date(2026, 6, 10) and window.pulled_forward_by is None


def test_trigger_does_not_push_an_earlier_due_date_back():
    trigger = Trigger(date(2026, 4, 8), TriggerKind.CHANGE_OF_ADDRESS)
    window = due_window(date(2026, 1, 10), date(2020, 1, 1), 3, [trigger], date(2026, 4, 8), POLICY)
    assert window.latest == date(2026, 4, 10) and window.pulled_forward_by is None


def test_no_home_visit_ever_is_due_within_trigger_period_of_case_start():
    # Wed 1 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
    window = due_window(None, date(2026, 4, 1), 12, [], date(2026, 4, 1), POLICY)
    assert (window.earliest, window.latest) == (date(2026, 4, 1), date(2026, 4, 17))


def test_reactive_management_has_no_routine_window_until_a_trigger():
    quiet = due_window(date(2025, 5, 1), date(2015, 1, 1), None, [], date(2026, 5, 1), POLICY)
    assert (quiet.earliest, quiet.latest) == (None, None)
    assert not is_overdue(quiet, date(2030, 1, 1)) and days_overdue(quiet, date(2030, 1, 1)) == 0
    trigger = Trigger(date(2026, 4, 30), TriggerKind.NEW_RELATIONSHIP)
    woken = due_window(date(2025, 5, 1), date(2015, 1, 1), None, [trigger], date(2026, 5, 1), POLICY)
    assert woken.latest == add_working_days(date(2026, 4, 30), 10)
    assert woken.pulled_forward_by == trigger


def test_overdue_is_measured_against_latest():
    window = due_window(date(2026, 3, 10), date(2020, 1, 1), 3, [], date(2026, 3, 10), POLICY)
    assert not is_overdue(window, date(2026, 6, 10))
    assert is_overdue(window, date(2026, 6, 11))
    assert days_overdue(window, date(2026, 6, 20)) == 10
    assert days_overdue(window, date(2026, 5, 1)) == 0


def test_office_interview_and_failed_attempt_do_not_count_as_home_visit():
    visits = [
        Visit(date(2026, 1, 5), VisitKind.HOME, VisitOutcome.SEEN),
        Visit(date(2026, 2, 5), VisitKind.OFFICE, VisitOutcome.SEEN),
        Visit(date(2026, 3, 5), VisitKind.HOME, VisitOutcome.NO_ANSWER),
    ]
    assert last_home_visit(visits) == date(2026, 1, 5)
    assert last_home_visit(visits[1:]) is None


# --- reactive management (R16) -------------------------------------------------------------

LOW_SINCE_2023 = [(date(2021, 1, 1), MEDIUM), (date(2023, 6, 1), LOW), (date(2025, 6, 1), LOW)]


def test_reactive_management_refused_under_three_years_low():
    decision = reactive_management_allowed(LOW_SINCE_2023, date(2026, 5, 31), POLICY)
    assert not decision.allowed and not decision.needs_sign_off
    assert "2026-06-01" in decision.reason


def test_reactive_management_at_three_years_needs_then_takes_sign_off():
    pending = reactive_management_allowed(LOW_SINCE_2023, date(2026, 6, 1), POLICY)
    assert not pending.allowed and pending.needs_sign_off
    signed = reactive_management_allowed(LOW_SINCE_2023, date(2026, 6, 1), POLICY,
                                         signed_off_on=date(2026, 6, 1))
    assert signed.allowed


def test_reactive_management_needs_current_low_and_unbroken_run():
    raised = [*LOW_SINCE_2023, (date(2026, 1, 1), MEDIUM)]
    assert not reactive_management_allowed(raised, date(2027, 1, 1), POLICY).allowed
    broken = [(date(2020, 1, 1), LOW), (date(2022, 1, 1), HIGH), (date(2023, 1, 1), LOW)]
    assert reactive_management_allowed(broken, date(2025, 12, 31), POLICY).needs_sign_off is False
    assert reactive_management_allowed(broken, date(2026, 1, 1), POLICY).needs_sign_off


def test_reactive_management_reverts_on_new_assessment_or_trigger():
    signed = date(2026, 7, 1)
    again = [*LOW_SINCE_2023, (date(2026, 9, 1), LOW)]
    decision = reactive_management_allowed(again, date(2026, 10, 1), POLICY, signed_off_on=signed)
    assert not decision.allowed and "reverted" in decision.reason
    trigger = [Trigger(date(2026, 8, 1), TriggerKind.INTELLIGENCE)]
    decision = reactive_management_allowed(LOW_SINCE_2023, date(2026, 10, 1), POLICY,
                                           signed_off_on=signed, triggers=trigger)
    assert not decision.allowed and "intelligence" in decision.reason
    assert reactive_management_allowed(LOW_SINCE_2023, date(2026, 10, 1), POLICY,
                                       signed_off_on=signed).allowed


def test_reactive_management_with_no_assessment_is_refused():
    assert not reactive_management_allowed([], date(2026, 1, 1), POLICY).allowed


# --- pattern warning (R14) and warrant prompt (R15) ----------------------------------------

def test_pattern_warning_on_three_same_weekdays():
    tuesdays = [(date(2026, 3, 3), "morning"), (date(2026, 3, 10), "evening"), (date(2026, 3, 17), "afternoon")]
    warning = pattern_warning(tuesdays, POLICY)
    assert warning and "Tuesday" in warning and "band" not in warning


def test_pattern_warning_on_three_same_bands_from_datetimes():
    evenings = [datetime(2026, 3, 2, 18, 30), datetime(2026, 3, 11, 19), datetime(2026, 3, 20, 17)]
    warning = pattern_warning(evenings, POLICY)
    assert warning and "evening" in warning


def test_pattern_warning_only_looks_at_the_last_three_in_date_order():
    visits = [(date(2026, 3, 17), TimeBand.MORNING), (date(2026, 3, 3), TimeBand.MORNING),
              (date(2026, 3, 10), TimeBand.MORNING), (date(2026, 3, 1), TimeBand.EVENING)]
    assert pattern_warning(visits, POLICY)
    varied = [(date(2026, 3, 3), TimeBand.MORNING), (date(2026, 3, 11), TimeBand.EVENING),
              (date(2026, 3, 20), TimeBand.MORNING)]
    assert pattern_warning(varied, POLICY) is None
    assert pattern_warning(varied[:2], POLICY) is None


def test_warrant_prompt_after_two_failed_entries_since_last_seen():
    seen = Visit(date(2026, 1, 5), VisitKind.HOME, VisitOutcome.SEEN)
    no_answer = Visit(date(2026, 2, 5), VisitKind.HOME, VisitOutcome.NO_ANSWER)
    refused = Visit(date(2026, 2, 12), VisitKind.HOME, VisitOutcome.REFUSED_ENTRY)
    office = Visit(date(2026, 2, 20), VisitKind.OFFICE, VisitOutcome.SEEN)
    assert not warrant_prompt_due([seen, no_answer], POLICY)
    assert warrant_prompt_due([seen, no_answer, refused], POLICY)
    assert warrant_prompt_due([seen, no_answer, office, refused], POLICY)
    later_seen = Visit(date(2026, 3, 1), VisitKind.HOME, VisitOutcome.SEEN)
    assert not warrant_prompt_due([no_answer, refused, later_seen], POLICY)
    away = Visit(date(2026, 3, 9), VisitKind.HOME, VisitOutcome.NOT_AT_ADDRESS)
    assert warrant_prompt_due([later_seen, away, away._replace(on=date(2026, 3, 16))], POLICY)
