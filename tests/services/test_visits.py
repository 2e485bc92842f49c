from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from rso_manager.domain.dates import add_months, add_working_days
from rso_manager.domain.roles import CaseloadScope
from rso_manager.persistence.models import Absence, SignOff
from rso_manager.services import case_log, caseload, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.visits import VisitInput
from tests.opening import open_case


def _offender(services, world):
    rec = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Quillfeather", forenames="Test", date_of_birth=date(1970, 5, 5),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    return rec.offender_id


def _visit(oid, world, at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), **kw):
    base = dict(offender_id=oid, visited_at=at, outcome="seen",
                officer_ids=(world.om.user_id, world.supervisor.user_id))
    base.update(kw)
    return VisitInput(**base)


def _due(services, world, oid):
    return open_case(services, world.om, oid).next_visit_due


def test_interval_follows_risk_level_and_plan(services, world):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="high", assessed_on=date(2026, 11, 20))
    visits.record_visit(services, world.om, _visit(oid, world))
    assert _due(services, world, oid) == add_months(date(2026, 11, 25), 3)
    out = visits.set_plan(services, world.om, oid, visit_interval_months=2)
    assert not out.needs_sign_off
    assert _due(services, world, oid) == add_months(date(2026, 11, 25), 2)
    # Longer than the default needs a reason and a supervisor; the default stands until then.
    with pytest.raises(ValidationFailed) as err:
        visits.set_plan(services, world.om, oid, visit_interval_months=6)
    assert err.value.for_field("reason")
    out = visits.set_plan(services, world.om, oid, visit_interval_months=6, reason="stable for years, MAPPA agreed")
    assert out.needs_sign_off and out.sign_off_id
    assert _due(services, world, oid) == add_months(date(2026, 11, 25), 3)


def test_a_trigger_pulls_the_window_forward(services, world, clock):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="low", assessed_on=date(2026, 11, 20))
    visits.record_visit(services, world.om, _visit(oid, world))
    assert _due(services, world, oid) == date(2027, 11, 25)
    clock.current = datetime(2026, 12, 22, 10, tzinfo=UTC)
    case_log.add_intelligence(services, world.om, oid, case_log.IntelligenceInput(
        "Seen near a primary school", date(2026, 12, 22), "2", "B", "P"))
    assert _due(services, world, oid) == add_working_days(date(2026, 12, 22), 10) == date(2027, 1, 8)


def test_reactive_management_refused_under_three_years_of_low_risk(services, world):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="low", assessed_on=date(2025, 1, 10))
    with pytest.raises(ValidationFailed) as err:
        visits.set_plan(services, world.om, oid, visit_interval_months=None, reactive=True, reason="low for a long time")
    assert "3 years" in err.value.for_field("reactive")


def test_office_interview_never_counts_as_a_home_visit(services, world):
    oid = _offender(services, world)
    before = _due(services, world, oid)
    result = visits.record_visit(services, world.om, _visit(oid, world, kind="office",
                                 override_reason="offender asked to attend after surgery"))
    assert "office interview instead of a home visit" in result.departures
    assert result.sign_off_id is not None
    assert _due(services, world, oid) == before


def test_overrides_need_a_reason_and_land_in_the_sign_off_queue(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, _visit(oid, world, announced=True, officer_ids=(world.om.user_id,)))
    assert err.value.for_field("override_reason")
    result = visits.record_visit(services, world.om, _visit(
        oid, world, announced=True, officer_ids=(world.om.user_id,), override_reason="colleague sick, risk assessed as low"))
    assert set(result.departures) == {"announced in advance", "one officer only"}
    with services.session_factory() as s:
        so = s.get(SignOff, result.sign_off_id)
    assert so.status == "pending" and so.entity == "visit" and so.supervisor_id == world.supervisor.user_id or so.supervisor_id == world.supervisor2.user_id


def test_bad_visit_input_is_refused_naming_the_field(services, world, clock):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, _visit(oid, world, at=datetime(2026, 12, 1, 9, tzinfo=UTC)))
    assert "future" in err.value.for_field("visited_at")
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, _visit(oid, world, officer_ids=(world.om.user_id, world.untrained.user_id)))
    assert "not ViSOR/MOSOVO trained" in err.value.for_field("officer_ids")
    with services.session_factory.begin() as s:
        s.add(Absence(user_id=world.supervisor.user_id, starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 27),
                      reason="leave", created_at=clock.now()))
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, _visit(oid, world))
    assert "absent" in err.value.for_field("officer_ids")


def test_two_failed_entries_prompt_a_warrant(services, world):
    oid = _offender(services, world)
    first = visits.record_visit(services, world.om, _visit(oid, world, outcome="no_answer",
                                at=datetime(2026, 11, 20, 19, tzinfo=UTC)))
    assert not first.warrant_prompt
    second = visits.record_visit(services, world.om, _visit(oid, world, outcome="refused_entry"))
    assert second.warrant_prompt
    with pytest.raises(ValidationFailed):
        visits.record_warrant_decision(services, world.om, second.visit_id, second.version_id, "")
    visits.record_warrant_decision(services, world.om, second.visit_id, second.version_id,
                                   "Applying to the magistrates for a s.96B warrant; DI Example agreed")


def test_planner_proposes_two_officers_overdue_first_and_books(services, world, clock):
    late = _offender(services, world)
    visits.record_risk_assessment(services, world.om, late, tool="RM2000", level="very_high", assessed_on=date(2026, 9, 1))
    visits.record_visit(services, world.om, _visit(late, world, at=datetime(2026, 9, 2, 18, tzinfo=UTC)))
    fresh = _offender(services, world)
    view = visits.propose(services, world.om, as_of=date(2026, 11, 25), days=14, scope=CaseloadScope.MINE, seed=1)
    assert [i.offender_id for i in view.items][0] == late
    first = view.items[0]
    assert first.days_overdue > 0 and len(first.officer_ids) == 2 and first.officer_ids[0] == world.om.user_id
    assert {i.offender_id for i in view.items} == {late, fresh}
    # Booking the overdue visit as proposed is catching up: no reason, nothing to sign off.
    visit_id = visits.book_visit(services, world.om, late, on=first.proposed_on, time_band=first.time_band,
                                 officer_ids=first.officer_ids)
    again = visits.propose(services, world.om, as_of=date(2026, 11, 25), days=14, scope=CaseloadScope.MINE, seed=1)
    booked = [i for i in again.items if i.status == "booked"]
    assert [b.visit_id for b in booked] == [visit_id]
    with services.session_factory() as s:
        assert s.scalar(select(SignOff.id).where(SignOff.entity == "visit", SignOff.entity_id == visit_id)) is None


def test_undeclared_device_found_at_a_visit_opens_a_breach(services, world):
    from rso_manager.services import breaches, devices

    oid = _offender(services, world)
    laptop = devices.declare_device(services, world.om, oid, devices.DeviceInput(kind="laptop", make_model="Example Book 13", declared_on=date(2026, 11, 1)))
    result = visits.record_visit(services, world.om, _visit(
        oid, world,
        device_checks=(devices.DeviceCheckInput(laptop.device_id, "checked", "History reviewed, nothing of note"),),
        found_devices=(devices.DeviceInput(kind="phone", make_model="Unbranded smartphone", imei="490154203237518"),)))
    assert len(result.breach_ids) == 1
    (breach,) = breaches.breaches_for(services, world.om, oid, date(2026, 11, 25))
    assert breach.status == "open" and "Undeclared phone" in breach.description
    views = {d.device_id: d for d in devices.devices_for(services, world.om, oid, date(2026, 11, 25))}
    assert views[laptop.device_id].last_checked_on == date(2026, 11, 25)


def test_first_visit_falls_due_after_release_not_at_conviction(services, world):
    from rso_manager.services import notifications as nt

    oid = _offender(services, world)
    nt.record_conviction(services, world.om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2019, 5, 15), offence="Sexual assault (s.3 SOA 2003)",
        disposal="imprisonment", sentence_months=48, source="court_list"))
    nt.record_disregarded_period(services, world.om, oid, "custody", date(2019, 5, 15), date(2026, 11, 20))
    assert _due(services, world, oid) == add_working_days(date(2026, 11, 20), 10)
