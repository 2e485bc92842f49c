"""Issue #14, item 3: every entry correctable in place where no statutory rule reads the field,
the old values kept in the record's history with the reason; the rest refused with what would be
re-evaluated; "entered in error" reversed with a reason."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from rso_manager.persistence import models as m
from rso_manager.services import caseload, corrections, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.devices import DeviceInput
from rso_manager.services.errors import (
    ConcurrentEditError,
    EnteredInError,
    PermissionDenied,
    ValidationFailed,
)
from tests.opening import open_case

REASON = "Typed from the wrong pocket notebook page; the officer's notes say otherwise"


def _offender(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Correctcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _row(services, model, ident):
    with services.session_factory() as s:
        row = s.get(model, ident)
        s.expunge(row)
        return row


def _revisions(services, entity, ident):
    with services.session_factory() as s:
        return [(r.reason, json.loads(r.snapshot_json)) for r in s.scalars(
            select(m.RecordRevision).where(m.RecordRevision.entity == entity, m.RecordRevision.entity_id == ident)
            .order_by(m.RecordRevision.id))]


def _count(services, model, **where):
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model).filter_by(**where))


def _visit_with_departure_and_found_device(services, world, oid):
    """A visit by one officer (a departure: sign-off asked) that found an undeclared phone (a breach)."""
    return visits.record_visit(services, world.om, visits.VisitInput(
        oid, datetime(2026, 11, 25, 9, tzinfo=UTC), "seen", officer_ids=(world.om.user_id,),
        override_reason="Second officer called to an urgent arrest; the visit could not wait",
        people_present="Offender alone", notes="Kitchen tidy; spare room locked",
        found_devices=(DeviceInput(kind="phone", make_model="Nokia 3310"),)))


def test_a_notes_correction_keeps_the_old_words_and_reruns_nothing(services, world):
    oid = _offender(services, world)
    result = _visit_with_departure_and_found_device(services, world, oid)
    assert result.sign_off_id is not None and result.breach_ids
    sign_offs, breaches = _count(services, m.SignOff), _count(services, m.Breach)
    audits = _count(services, m.AuditEvent, action="sign_off.request")

    fixed = corrections.correct_entry(
        services, world.om, "visit", result.visit_id, result.version_id,
        {"notes": "Kitchen tidy; spare room unlocked and seen", "people_present": "Offender and his mother"},
        REASON)
    assert set(fixed.changed) == {"notes", "people_present"}
    visit = _row(services, m.Visit, result.visit_id)
    assert visit.notes == "Kitchen tidy; spare room unlocked and seen"
    assert (visit.outcome, visit.status, visit.visited_at.replace(tzinfo=UTC)) == (
        "seen", "completed", datetime(2026, 11, 25, 9, tzinfo=UTC))
    # Nothing re-run: no new sign-off asked, no breach opened, the one asked still pending.
    assert (_count(services, m.SignOff), _count(services, m.Breach)) == (sign_offs, breaches)
    assert _count(services, m.AuditEvent, action="sign_off.request") == audits
    assert _row(services, m.SignOff, result.sign_off_id).status == "pending"
    # The old values are in the record's history, with the reason; the audit has before and after.
    [(why, before)] = [r for r in _revisions(services, "visit", result.visit_id) if r[0] == REASON]
    assert before["notes"] == "Kitchen tidy; spare room locked" and before["people_present"] == "Offender alone"
    record = caseload.reload_record(services, world.om, oid)
    assert any(r.entity == "visit" and r.reason == REASON and r.before["notes"] == "Kitchen tidy; spare room locked"
               for r in record.revisions)
    with services.session_factory() as s:
        audit = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "entry.correct",
                                                     m.AuditEvent.entity_id == result.visit_id)).one()
    assert json.loads(audit.details_json)["before"]["notes"] == "Kitchen tidy; spare room locked"
    assert fixed.version_id == visit.version_id


def test_a_field_a_rule_reads_is_refused_with_what_it_would_re_evaluate(services, world):
    oid = _offender(services, world)
    result = _visit_with_departure_and_found_device(services, world, oid)
    with pytest.raises(ValidationFailed) as err:
        corrections.correct_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                  {"outcome": "no_answer", "notes": "Fine"}, REASON)
    message = err.value.for_field("outcome")
    assert "re-evaluates whether the visit counts, the next home visit due" in message
    assert "mark the entry as entered in error and record it again" in message
    with pytest.raises(ValidationFailed) as err:
        corrections.correct_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                  {"announced": True}, REASON)
    assert "sign-off" in err.value.for_field("announced")
    assert _row(services, m.Visit, result.visit_id).notes == "Kitchen tidy; spare room locked"  # nothing saved


def test_a_reason_is_required_and_the_version_is_checked(services, world):
    oid = _offender(services, world)
    result = _visit_with_departure_and_found_device(services, world, oid)
    with pytest.raises(ValidationFailed) as err:
        corrections.correct_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                  {"notes": "Better notes"}, "typo")
    assert err.value.for_field("reason")
    with pytest.raises(ValidationFailed) as err:
        corrections.correct_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                  {"notes": "Kitchen tidy; spare room locked"}, REASON)
    assert "Nothing has changed" in err.value.for_field("notes")
    fixed = corrections.correct_entry(services, world.supervisor, "visit", result.visit_id, result.version_id,
                                      {"notes": "Better notes"}, REASON)
    with pytest.raises(ConcurrentEditError, match="This visit was changed by Sam Supervisor"):
        corrections.correct_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                  {"notes": "Other notes"}, REASON)
    with pytest.raises(PermissionDenied):  # another team's officer
        corrections.correct_entry(services, world.om2, "visit", result.visit_id, fixed.version_id,
                                  {"notes": "Other notes"}, REASON)


def _entries(services, world, oid, now):
    """One entry of each covered kind, as stored."""
    with services.session_factory.begin() as s:
        conviction = m.Conviction(offender_id=oid, court="Leeds Crwon Court", convicted_on=date(2020, 3, 2),
                                  offence="s.7 SOA 2003", created_at=now)
        device = m.Device(offender_id=oid, kind="phone", make_model="Samsnug A14", created_at=now)
        notification = m.StatutoryNotification(offender_id=oid, kind="periodic", due_on=date(2026, 11, 30),
                                               notified_at=now, details="Annual; no changse", created_at=now)
        relationship = m.Relationship(offender_id=oid, person_name="Carol Jnoes", kind="partner",
                                      notes="Met at work", created_at=now)
        risk = m.RiskAssessment(offender_id=oid, tool="ARMS", level="medium", assessed_on=date(2026, 10, 1),
                                notes="Protective factors: employmnet", created_at=now)
        action = m.Action(offender_id=oid, description="Check the gym membreship", owner_id=1,
                          due_on=date(2026, 12, 10), created_at=now)
        s.add_all([conviction, device, notification, relationship, risk, action])
        s.flush()
        breach = m.Breach(offender_id=oid, kind="statutory_duty", source="manual", occurred_on=date(2026, 11, 20),
                          description="Failed to notifiy a new address", device_id=None, created_at=now)
        referral = m.SafeguardingReferral(offender_id=oid, concern="Partner has two childern", concern_at=now,
                                          relationship_id=relationship.id, created_at=now)
        check = m.DeviceCheck(offender_id=oid, device_id=device.id, result="checked", outcome="No concrens",
                              checked_on=date(2026, 11, 25), created_at=now)
        s.add_all([breach, referral, check])
        s.flush()
        return {"conviction": (conviction.id, "court", "Leeds Crown Court", "convicted_on"),
                "device": (device.id, "make_model", "Samsung A14", "imei"),
                "device_check": (check.id, "outcome", "No concerns", "result"),
                "statutory_notification": (notification.id, "details", "Annual; no changes", "notified_at"),
                "breach": (breach.id, "description", "Failed to notify a new address", "occurred_on"),
                "relationship": (relationship.id, "person_name", "Carol Jones", "access_to_children"),
                "safeguarding_referral": (referral.id, "concern", "Partner has two children", "concern_at"),
                "plan_action": (action.id, "description", "Check the gym membership", "due_on"),
                "risk_assessment": (risk.id, "notes", "Protective factors: employment", "level")}


def test_each_covered_kind_corrects_its_text_and_refuses_what_a_rule_reads(services, world, clock):
    oid = _offender(services, world)
    open_case(services, world.om, oid)
    for entity, (ident, field, right, ruled) in _entries(services, world, oid, clock.now()).items():
        model = caseload.VOIDABLE[entity]
        before = _row(services, model, ident)
        form = corrections.correction_form(services, world.om, entity, ident)
        assert field in [f.name for f in form.fields], entity
        assert form.version_id == before.version_id
        with pytest.raises(ValidationFailed) as err:
            corrections.correct_entry(services, world.om, entity, ident, before.version_id, {ruled: None}, REASON)
        assert "is not corrected in place" in err.value.for_field(ruled), entity
        assert "record it again" in err.value.for_field(ruled), entity
        corrections.correct_entry(services, world.om, entity, ident, before.version_id, {field: right}, REASON)
        assert getattr(_row(services, model, ident), field) == right, entity
        [(why, old)] = _revisions(services, entity, ident)
        assert (why, old[field]) == (REASON, getattr(before, field)), entity


def test_a_required_text_cannot_be_blanked(services, world, clock):
    oid = _offender(services, world)
    entries = _entries(services, world, oid, clock.now())
    ident = entries["breach"][0]
    with pytest.raises(ValidationFailed) as err:
        corrections.correct_entry(services, world.om, "breach", ident, _row(services, m.Breach, ident).version_id,
                                  {"description": "  "}, REASON)
    assert "cannot be left without it" in err.value.for_field("description")


def test_an_entry_in_error_is_not_corrected_and_is_reinstated_with_a_reason(services, world):
    oid = _offender(services, world)
    result = _visit_with_departure_and_found_device(services, world, oid)
    caseload.void_entry(services, world.om, "visit", result.visit_id, result.version_id, "Recorded on the wrong case")
    voided = _row(services, m.Visit, result.visit_id)
    assert voided.voided_at is not None
    with pytest.raises(EnteredInError):
        corrections.correct_entry(services, world.om, "visit", result.visit_id, voided.version_id,
                                  {"notes": "Better"}, REASON)
    with pytest.raises(ValidationFailed) as err:
        corrections.reinstate_entry(services, world.om, "visit", result.visit_id, voided.version_id, "oops")
    assert err.value.for_field("reason")
    with pytest.raises(ConcurrentEditError):
        corrections.reinstate_entry(services, world.om, "visit", result.visit_id, result.version_id,
                                    "It was the right case after all: the PNC matches")
    with pytest.raises(PermissionDenied):
        corrections.reinstate_entry(services, world.om2, "visit", result.visit_id, voided.version_id,
                                    "It was the right case after all: the PNC matches")
    back = corrections.reinstate_entry(services, world.om, "visit", result.visit_id, voided.version_id,
                                       "It was the right case after all: the PNC matches")
    visit = _row(services, m.Visit, result.visit_id)
    assert (visit.voided_at, visit.void_reason) == (None, None) and back.version_id == visit.version_id
    # The history keeps the void (what it said before it) and the reinstatement with their reasons.
    history = _revisions(services, "visit", result.visit_id)
    assert [why for why, _old in history] == ["Recorded on the wrong case",
                                              "It was the right case after all: the PNC matches"]
    assert history[1][1]["void_reason"] == "Recorded on the wrong case"
    assert _count(services, m.AuditEvent, action="entry.void", entity_id=result.visit_id) == 1
    assert _count(services, m.AuditEvent, action="entry.reinstate", entity_id=result.visit_id) == 1
    with pytest.raises(ValidationFailed) as err:
        corrections.reinstate_entry(services, world.om, "visit", result.visit_id, visit.version_id,
                                    "It was the right case after all: the PNC matches")
    assert "not marked as entered in error" in err.value.for_field("reason")
    # And now it is corrected like any other.
    corrections.correct_entry(services, world.om, "visit", result.visit_id, visit.version_id,
                              {"notes": "Kitchen tidy"}, REASON)


def test_the_visit_detail_reads_back_what_was_recorded(services, world):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:
        phone = m.Device(offender_id=oid, kind="phone", make_model="Pixel 7", imei="356938035643809",
                         created_at=datetime(2026, 11, 1, tzinfo=UTC))
        s.add(phone)
        s.flush()
        phone_id = phone.id
    result = visits.record_visit(services, world.om, visits.VisitInput(
        oid, datetime(2026, 11, 25, 9, tzinfo=UTC), "seen", officer_ids=(world.om.user_id,),
        announced=True, override_reason="Second officer called to an urgent arrest; the visit could not wait",
        people_present="Offender alone", notes="Spare room locked",
        device_checks=(visits.recording.DeviceCheckInput(phone_id, "checked", "Browser history clear"),)))
    open_case(services, world.supervisor, oid, text="Reviewing the visit before signing it off")
    detail = visits.visit_details(services, world.supervisor, oid)[result.visit_id]
    assert detail.officers == ("Olly Manager",)
    assert (detail.notes, detail.people_present, detail.announced, detail.outcome) == (
        "Spare room locked", "Offender alone", True, "seen")
    assert detail.device_checks == (visits.DeviceCheckLine("Phone Pixel 7 IMEI 356938035643809", "checked",
                                                           "Browser history clear"),)
    assert detail.departures == ("announced in advance", "one officer only")
    assert detail.departure_reason.startswith("Second officer called")
    assert (detail.sign_off, detail.signed_by) == ("pending", "Sam Supervisor")
