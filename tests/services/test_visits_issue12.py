"""Issue 12, visits and dates: catching up an overdue visit is not a departure; no current home
address is flagged; a risk assessment always falls due for review; stored times are dated by the
London day; a hand-over into police-only management starts the first-visit clock. Each runs on
SQLite and PostgreSQL (the `services` fixture)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from rso_manager.domain.dates import add_months, add_working_days
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence import models as m
from rso_manager.services import caseload, handover, notifications, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.visits import VisitInput
from tests.opening import open_case

TODAY = date(2026, 11, 25)  # the clock fixture's day, a Wednesday


def _offender(services, world, surname="Quillfeather"):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Test", date_of_birth=date(1970, 5, 5),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _overdue(services, world):
    """Very high risk, last seen at home on 2 September: due by 2 October, overdue today."""
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    visits.record_visit(services, world.om, VisitInput(
        oid, datetime(2026, 9, 2, 18, tzinfo=UTC), "seen", officer_ids=(world.om.user_id, world.supervisor.user_id)))
    return oid


def _sign_offs(services, visit_id):
    with services.session_factory() as s:
        return list(s.scalars(select(m.SignOff).where(m.SignOff.entity == "visit", m.SignOff.entity_id == visit_id)))


def _pair(world):
    return (world.om.user_id, world.supervisor.user_id)


# --- 1. booking an overdue visit -----------------------------------------------------------------

def test_booking_an_overdue_visit_as_soon_as_possible_is_not_a_departure(services, world):
    oid = _overdue(services, world)
    defaults = visits.visit_defaults(services, world.om, oid)
    catch_up = add_working_days(TODAY, 3)
    assert defaults.window.latest == date(2026, 10, 2) and defaults.catch_up_by == catch_up == date(2026, 11, 30)
    visit_id = visits.book_visit(services, world.om, oid, on=catch_up, time_band="evening", officer_ids=_pair(world))
    assert _sign_offs(services, visit_id) == []


def test_booking_an_overdue_visit_later_than_catching_up_still_needs_a_reason(services, world):
    oid = _overdue(services, world)
    with pytest.raises(ValidationFailed) as err:
        visits.book_visit(services, world.om, oid, on=date(2026, 12, 1), time_band="evening", officer_ids=_pair(world))
    message = err.value.for_field("reason")
    assert "overdue since 03/10/2026" in message and "book it by 30/11/2026" in message
    visit_id = visits.book_visit(services, world.om, oid, on=date(2026, 12, 1), time_band="evening",
                                 officer_ids=_pair(world), reason="Both officers on a court warned list until then")
    [so] = _sign_offs(services, visit_id)
    assert so.status == "pending" and "later than catching up within 3 working days" in so.summary


def test_booking_after_a_window_not_yet_overdue_is_still_a_departure(services, world):
    oid = _offender(services, world)  # no home visit yet: due within 10 working days of today
    latest = visits.visit_defaults(services, world.om, oid).window.latest
    assert latest == add_working_days(TODAY, 10)
    with pytest.raises(ValidationFailed) as err:
        visits.book_visit(services, world.om, oid, on=date(2027, 1, 5), time_band="morning", officer_ids=_pair(world))
    assert "outside the due window" in err.value.for_field("reason")
    assert visits.visit_defaults(services, world.om, oid).catch_up_by is None


# --- 2. no current home address ------------------------------------------------------------------

def _flags(services, world, oid):
    [row] = [r for r in caseload.list_caseload(services, world.om, CaseloadScope.MINE) if r.offender_id == oid]
    return row.flags


def test_no_current_home_address_is_flagged_and_the_form_knows_where_to_go(services, world):
    oid = _offender(services, world)
    assert "No current home address" in _flags(services, world, oid)  # nothing recorded yet
    entry = caseload.add_address(services, world.om, oid, kind="home", line1="12 Example Row", town="Northam",
                                 postcode="nm1 2ab", from_date=date(2026, 1, 10))
    assert "No current home address" not in _flags(services, world, oid)
    assert visits.visit_defaults(services, world.om, oid).home_address == "12 Example Row, Northam NM1 2AB"

    open_case(services, world.om, oid)
    caseload.void_entry(services, world.om, "address", entry.id, entry.version_id,
                        "Typed onto the wrong record by mistake")
    assert "No current home address" in _flags(services, world, oid)
    assert visits.visit_defaults(services, world.om, oid).home_address is None


def test_an_earlier_home_ended_by_the_move_does_not_count_as_current(services, world):
    oid = _offender(services, world)
    caseload.add_address(services, world.om, oid, kind="home", line1="1 Old Lane", town=None, postcode=None,
                         from_date=date(2025, 1, 1))
    new = caseload.add_address(services, world.om, oid, kind="home", line1="2 New Road", town=None, postcode=None,
                               from_date=date(2026, 6, 1))
    assert visits.visit_defaults(services, world.om, oid).home_address == "2 New Road"
    open_case(services, world.om, oid)
    caseload.void_entry(services, world.om, "address", new.id, new.version_id, "The move never happened after all")
    assert "No current home address" in _flags(services, world, oid)


# --- 3. a risk assessment without a review date ---------------------------------------------------

def test_an_assessment_saved_without_a_review_date_takes_the_policy_interval(services, world):
    oid = _offender(services, world)
    ra = visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="high",
                                       assessed_on=date(2026, 11, 20))
    with services.session_factory() as s:
        assert s.get(m.RiskAssessment, ra).review_by == add_months(date(2026, 11, 20), 3)
    open_case(services, world.om, oid)
    view = visits.risk_plan_view(services, world.om, oid)
    assert view.review_by == date(2027, 2, 20) and view.review_flag is None
    # A review date given is kept; one not after the assessment is refused.
    ra2 = visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="high",
                                        assessed_on=date(2026, 11, 24), review_by=date(2027, 1, 10))
    with services.session_factory() as s:
        assert s.get(m.RiskAssessment, ra2).review_by == date(2027, 1, 10)
    with pytest.raises(ValidationFailed) as err:
        visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="high",
                                      assessed_on=date(2026, 11, 24), review_by=date(2026, 11, 24))
    assert "after the assessment date" in err.value.for_field("review_by")


def test_the_review_interval_is_the_omus_setting_by_tool_and_level(services, world, clock):
    policy = json.loads(json.dumps(_shipped_policy()))
    policy["assessment_review_months"] = {"default": {"very_high": 2, "high": 4, "medium": 9, "low": 18},
                                          "RM2000": {"very_high": 12, "high": 12, "medium": 24, "low": 24}}
    with services.session_factory.begin() as s:
        s.add(m.Setting(key="visit_policy", value_json=json.dumps(policy), created_at=clock.now()))
    oid = _offender(services, world)
    arms = visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="medium",
                                         assessed_on=date(2026, 11, 1))
    rm = visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="medium",
                                       assessed_on=date(2026, 11, 1))
    with services.session_factory() as s:
        assert s.get(m.RiskAssessment, arms).review_by == date(2027, 8, 1)
        assert s.get(m.RiskAssessment, rm).review_by == date(2028, 11, 1)


def test_an_assessment_with_no_review_date_is_flagged(services, world):
    oid = _offender(services, world)
    ra = visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="medium",
                                       assessed_on=date(2026, 10, 1))
    with services.session_factory.begin() as s:  # as saved before review dates were filled in
        s.execute(update(m.RiskAssessment).where(m.RiskAssessment.id == ra).values(review_by=None))
    record = open_case(services, world.om, oid)
    [row] = [e for e in record.sections["risk"] if e.entity == "risk_assessment"]
    assert row.status == "NO REVIEW DATE"
    flag = visits.risk_plan_view(services, world.om, oid).review_flag
    assert flag.startswith("No review date") and "by 01/04/2027" in flag


def test_an_overdue_review_is_flagged(services, world):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    open_case(services, world.om, oid)
    assert visits.risk_plan_view(services, world.om, oid).review_flag == (
        "Review overdue: the ARMS assessment was due for review by 01/10/2026.")


def _shipped_policy():
    from importlib.resources import files
    return json.loads(files("resources").joinpath("visit_policy.json").read_text(encoding="utf-8"))


# --- 4. a visit at 00:30 in summer is on the London day --------------------------------------------

SUMMER_NIGHT = datetime(2026, 7, 14, 23, 30, tzinfo=UTC)  # 00:30 BST on Wednesday 15 July


def test_a_summer_visit_after_midnight_is_dated_the_london_day(services, world, clock):
    clock.current = datetime(2026, 7, 20, 10, tzinfo=UTC)
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="high", assessed_on=date(2026, 7, 1))
    result = visits.record_visit(services, world.om, VisitInput(
        oid, SUMMER_NIGHT, "seen", officer_ids=(world.om.user_id,), override_reason="Partner officer called to an arrest"))
    assert result.next_visit_due == add_months(date(2026, 7, 15), 3) == date(2026, 10, 15)
    record = open_case(services, world.om, oid)
    [row] = [e for e in record.sections["visits"] if e.id == result.visit_id]
    assert row.when == date(2026, 7, 15)
    with services.session_factory() as s:
        assert "Visit on 15/07/2026" in s.get(m.SignOff, result.sign_off_id).summary


def test_an_officer_absent_on_the_london_day_cannot_have_made_the_visit(services, world, clock):
    clock.current = datetime(2026, 7, 20, 10, tzinfo=UTC)
    with services.session_factory.begin() as s:
        s.add(m.Absence(user_id=world.supervisor.user_id, starts_on=date(2026, 7, 15), ends_on=date(2026, 7, 17),
                        reason="Annual leave", created_at=clock.now()))
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, VisitInput(oid, SUMMER_NIGHT, "seen", officer_ids=_pair(world)))
    assert "absent on 15/07/2026" in err.value.for_field("officer_ids")


# --- 5. hand-over into police-only management -----------------------------------------------------

def _case_study(services, world):
    """The seed's first case study: convicted in 2015, released on licence in 2020, passed to the
    police when the licence expired. No police home visit while probation supervised."""
    oid = _offender(services, world, "Ashcombe")
    notifications.record_conviction(services, world.om, oid, notifications.ConvictionInput(
        convicted_on=date(2015, 2, 2), court="Northam Crown Court", offence="Sexual assault of a child under 13",
        source="certificate"))
    notifications.record_disregarded_period(services, world.om, oid, "custody", date(2015, 2, 2), date(2020, 6, 1))
    return oid


def _due(services, world, oid):
    return open_case(services, world.om, oid).next_visit_due


def test_the_first_home_visit_is_due_from_the_police_take_over(services, world):
    oid = _case_study(services, world)
    assert _due(services, world, oid) < date(2021, 1, 1)  # overdue by years the day it arrives
    view = handover.record_handover(services, world.om, oid, from_agency="probation",
                                    licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 23),
                                    notes="Licence expired; probation case transfer letter received")
    assert view.agency == "the Probation Service"
    assert _due(services, world, oid) == add_working_days(date(2026, 11, 23), 10) == date(2026, 12, 7)
    defaults = visits.visit_defaults(services, world.om, oid)
    assert "police take-over from the Probation Service on 2026-11-23" in defaults.window.reason
    assert defaults.handover == view
    caseload_row = [r for r in caseload.list_caseload(services, world.om, CaseloadScope.MINE) if r.offender_id == oid]
    assert "Visit overdue" not in caseload_row[0].flags


def test_a_hand_over_correction_keeps_the_history(services, world):
    oid = _case_study(services, world)
    first = handover.record_handover(services, world.om, oid, from_agency="probation",
                                     licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 23))
    with pytest.raises(ValidationFailed) as err:
        handover.correct_handover(services, world.om, first.handover_id, first.version_id, from_agency="probation",
                                  licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 24), notes=None,
                                  reason="noted")
    assert err.value.for_field("reason")
    fixed = handover.correct_handover(services, world.om, first.handover_id, first.version_id,
                                      from_agency="probation", licence_ended_on=date(2026, 11, 20),
                                      police_from=date(2026, 11, 24), notes=None,
                                      reason="The transfer letter gives Tuesday as the take-over date")
    assert fixed.police_from == date(2026, 11, 24) and fixed.version_id > first.version_id
    assert _due(services, world, oid) == add_working_days(date(2026, 11, 24), 10)
    record = open_case(services, world.om, oid)
    [revision] = [r for r in record.revisions if r.entity == "police_handover"]
    assert revision.before["police_from"] == "2026-11-23" and "Tuesday" in revision.reason
    with services.session_factory() as s:
        actions = [a for a in s.scalars(select(m.AuditEvent.action).where(m.AuditEvent.entity == "police_handover"))]
    assert actions == ["entry.create", "entry.correct"]
    # A second correction against the old version is refused, not silently applied.
    from rso_manager.services.errors import ConcurrentEditError
    with pytest.raises(ConcurrentEditError):
        handover.correct_handover(services, world.om, first.handover_id, first.version_id, from_agency="probation",
                                  licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 25), notes=None,
                                  reason="Another correction made from a stale screen")


def test_a_hand_over_entered_in_error_no_longer_sets_the_clock(services, world):
    oid = _case_study(services, world)
    h = handover.record_handover(services, world.om, oid, from_agency="probation",
                                 licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 23))
    open_case(services, world.om, oid)
    caseload.void_entry(services, world.om, "police_handover", h.handover_id, h.version_id,
                        "Recorded on the wrong case by mistake")
    defaults = visits.visit_defaults(services, world.om, oid)
    assert defaults.handover is None and defaults.window.latest < date(2021, 1, 1)
    assert _due(services, world, oid) == defaults.window.latest  # the caseload's summary follows


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (dict(from_agency="court"), "from_agency", "Choose the agency"),
        (dict(from_agency="other"), "notes", "Say which agency"),
        (dict(police_from=date(2026, 11, 19)), "police_from", "20/11/2026 or later"),
        (dict(police_from=date(2026, 11, 26)), "police_from", "in the future"),
        (dict(licence_ended_on=None), "licence_ended_on", "Enter the date the licence"),
        (dict(police_from=None), "police_from", "Enter the date the police took"),
    ],
)
def test_a_hand_over_names_what_is_wrong(services, world, change, field, words):
    oid = _offender(services, world)
    args = dict(from_agency="probation", licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 23))
    args.update(change)
    with pytest.raises(ValidationFailed) as err:
        handover.record_handover(services, world.om, oid, **args)
    assert words in err.value.for_field(field)


def test_only_the_case_team_records_a_hand_over(services, world):
    oid = _offender(services, world)
    with pytest.raises(PermissionDenied):
        handover.record_handover(services, world.om2, oid, from_agency="probation",
                                 licence_ended_on=date(2026, 11, 20), police_from=date(2026, 11, 23))
