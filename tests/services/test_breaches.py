import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rso_manager.persistence import models as m
from rso_manager.services import breaches, devices
from rso_manager.services.breaches import BreachInput, WarningInput
from rso_manager.services.caseload import OffenderDraft, create_offender
from rso_manager.services.devices import DeviceInput, OrderInput, RequirementInput
from rso_manager.services.errors import PermissionDenied, ValidationFailed

REASONS = ("The offender declared the phone two days late because he was in hospital, which the ward "
           "confirmed; the phone was checked at the visit and held nothing of concern.")
SUPERVISOR_REASONS = ("I have read the hospital confirmation and the device check. A prosecution is not "
                      "proportionate; the OM will re-check the phone at the next unannounced visit.")
WARNING = ("Warned that declaring a device late is an offence and that any further delay will be recorded "
           "as a crime and put before the CPS.")


def _offender(services, world, om=None) -> int:
    om = om or world.om
    return create_offender(services, om, OffenderDraft(
        surname="Breach", forenames="Bob", date_of_birth=date(1975, 5, 5),
        offender_manager_id=om.user_id, team_id=om.team_id)).offender_id


def _breach(services, world, oid, on=date(2026, 11, 20)):
    return breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", on, "Failed to notify a change of name within 3 days", duty="change_notification"))


def _open_breaches(services, oid) -> int:
    with services.session_factory() as s:
        return s.get(m.Offender, oid).open_breaches


def _actions(services) -> list[str]:
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent.action).order_by(m.AuditEvent.id)))


def test_bad_breach_input_names_each_field(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        breaches.open_manual_breach(services, world.om, oid, BreachInput("statutory_duty", date(2026, 11, 26), " "))
    assert "future" in err.value.for_field("occurred_on")
    assert err.value.for_field("description") and err.value.for_field("duty")
    with pytest.raises(ValidationFailed) as err:
        breaches.open_manual_breach(services, world.om, oid, BreachInput("order", date(2026, 11, 1), "Contact"))
    assert err.value.for_field("order_requirement_id")
    assert breaches.breaches_for(services, world.om, oid) == []


def test_breach_cannot_close_without_crime_reference_or_signed_decision(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    assert b.status == "open" and b.age_days == 5 and _open_breaches(services, oid) == 1
    with pytest.raises(ValidationFailed) as err:
        breaches.close_breach(services, world.om, b.breach_id, b.version_id)
    assert "crime reference" in err.value.for_field("crime_reference")
    # A warning is recorded against the breach but does not close it.
    breaches.give_warning(services, world.om, oid, WarningInput("oral", WARNING, date(2026, 11, 21), b.breach_id))
    [b] = breaches.breaches_for(services, world.om, oid)
    assert b.status == "open" and len(b.warnings) == 1
    with pytest.raises(ValidationFailed):
        breaches.close_breach(services, world.om, b.breach_id, b.version_id)
    # A pending, unsigned proposal does not close it either.
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)
    with pytest.raises(ValidationFailed):
        breaches.close_breach(services, world.om, b.breach_id, b.version_id)
    assert _open_breaches(services, oid) == 1
    [row] = breaches.open_breaches(services, world.om)
    assert (row.offender_id, row.age_days, row.awaiting_sign_off) == (oid, 5, True)


def test_crime_reference_is_validated_and_closes_the_breach(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    with pytest.raises(ValidationFailed) as err:
        breaches.record_crime_reference(services, world.om, b.breach_id, b.version_id, "CR/12345")
    assert "NY-26-012345" in err.value.for_field("crime_reference")
    closed = breaches.record_crime_reference(services, world.om, b.breach_id, b.version_id, "ny-26-004321")
    assert (closed.status, closed.crime_reference) == ("closed", "NY-26-004321")
    assert closed.decision == "Crime recorded: NY-26-004321"
    assert _open_breaches(services, oid) == 0 and breaches.open_breaches(services, world.om) == []
    assert {"breach.crime_reference", "breach.close"} <= set(_actions(services))


def test_no_crime_decision_needs_reasons_and_another_supervisors_signature(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    with pytest.raises(ValidationFailed) as err:
        breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, "noted")
    assert "stock phrase" in err.value.for_field("rationale")
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)
    assert b.decision.startswith("Decision not to record a crime awaiting")
    with services.session_factory() as s:
        so = s.get(m.SignOff, b.no_crime_sign_off_id)
        assert (so.entity, so.status, so.author_id) == ("breach_no_crime", "pending", world.om.user_id)
    with pytest.raises(PermissionDenied):
        breaches.decide_no_crime(services, world.om, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)
    with pytest.raises(ValidationFailed) as err:
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", "Seen and agreed.")
    assert "stock phrase" in err.value.for_field("rationale")
    with services.session_factory() as s:  # the refused attempt is kept for the supervision summary
        assert s.scalar(select(m.SignOffRefusal.text)) == "Seen and agreed."
    closed = breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)
    assert closed.status == "closed" and closed.no_crime_rationale == REASONS
    assert closed.signed_by == world.supervisor.display_name and closed.crime_reference is None
    assert _open_breaches(services, oid) == 0


def test_supervisor_cannot_approve_their_own_proposal(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    b = breaches.propose_no_crime(services, world.supervisor, b.breach_id, b.version_id, REASONS)
    with pytest.raises(PermissionDenied, match="your own"):
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)
    closed = breaches.decide_no_crime(services, world.supervisor2, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)
    assert closed.status == "closed"


def test_returned_decision_leaves_the_breach_open_and_keeps_the_reasons(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)
    back = breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "return",
                                    "The hospital letter does not cover the second day; obtain the discharge "
                                    "summary and record the crime if he was discharged earlier.")
    assert back.status == "open" and back.no_crime_rationale is None
    assert back.decision == "No crime reference or reasoned decision yet"
    with services.session_factory() as s:
        rev = s.scalar(select(m.RecordRevision).where(m.RecordRevision.entity == "breach"))
        assert "in hospital" in rev.snapshot_json
    # A crime can still be recorded afterwards.
    assert breaches.record_crime_reference(services, world.om, back.breach_id, back.version_id,
                                           "NY-26-000001").status == "closed"


def test_crime_reference_supersedes_a_pending_proposal(services, world):
    oid = _offender(services, world)
    b = _breach(services, world, oid)
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)
    breaches.record_crime_reference(services, world.om, b.breach_id, b.version_id, "NY-26-000002")
    with pytest.raises(ValidationFailed, match="already been decided"):
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)


def test_warnings_keep_their_rationale_and_written_ones_print(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        breaches.give_warning(services, world.om, oid, WarningInput("written", "Told off.", date(2026, 11, 30)))
    assert err.value.for_field("rationale") and "future" in err.value.for_field("given_on")
    w = breaches.give_warning(services, world.om, oid, WarningInput("written", WARNING, date(2026, 11, 24)))
    assert (w.rationale, w.given_by, w.given_on, w.sign_off_status) == (
        WARNING, world.om.display_name, date(2026, 11, 24), "pending")
    [listed] = breaches.warnings_for(services, world.om, oid)
    assert listed.rationale == WARNING
    with pytest.raises(PermissionDenied):
        breaches.print_warning_letter(services, world.om, w.warning_id)
    pdf = breaches.print_warning_letter(services, world.supervisor, w.warning_id)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert text.count("OFFICIAL-SENSITIVE") == 2 and "Page 1 of 1" in text
    assert "declaring a device late is an offence" in text and world.om.display_name in text
    assert _actions(services)[-1] == "export.print"


def test_late_and_missed_notifications_open_breaches(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:
        late = m.StatutoryNotification(offender_id=oid, kind="change_address", event_on=date(2026, 11, 1),
                                       due_on=date(2026, 11, 3), notified_at=datetime(2026, 11, 6, 12, tzinfo=UTC),
                                       late=True, fingerprints_taken=False, created_at=clock.now())
        missed = m.StatutoryNotification(offender_id=oid, kind="periodic", due_on=date(2026, 11, 20),
                                         created_at=clock.now())
        s.add_all([late, missed])
        s.flush()
        late_id = late.id
    opened = breaches.check_notification(services, world.om, late_id)
    assert sorted((b.source, b.duty) for b in opened) == [
        ("late_notification", "Notifying a change (SOA 2003 s.84)"),
        ("refused_biometrics", "Allowing fingerprints and photographs (SOA 2003 s.87(4))")]
    assert breaches.check_notification(services, world.om, late_id) == []  # once only
    assert breaches.open_missed_notification_breaches(services) == 1
    assert breaches.open_missed_notification_breaches(services) == 0
    sources = {b.source: b for b in breaches.breaches_for(services, world.om, oid)}
    assert sources["missed_notification"].occurred_on == date(2026, 11, 21)
    assert sources["late_notification"].occurred_on == date(2026, 11, 4)
    assert _open_breaches(services, oid) == 3


def test_recorded_order_prohibition_breach(services, world):
    oid = _offender(services, world)
    order = devices.record_order(services, world.om, oid, OrderInput("SHPO", None, date(2025, 1, 10), None, True), [
        RequirementInput("prohibition", "contact", "No unsupervised contact with any child under 16",
                         date(2025, 1, 10), None, True)])
    req_id = order.requirements[0].requirement_id
    with pytest.raises(ValidationFailed) as err:
        breaches.record_order_breach(services, world.om, oid, req_id, date(2024, 12, 1), "Seen with a child")
    assert "not in force" in err.value.for_field("occurred_on")
    b = breaches.record_order_breach(services, world.om, oid, req_id, date(2026, 11, 22),
                                     "Seen alone with a 12-year-old at the park by a PCSO")
    assert (b.source, b.kind) == ("order_prohibition", "order")
    assert b.order_requirement == "SHPO prohibition: No unsupervised contact with any child under 16"


def test_open_breaches_follow_the_caseload_scope(services, world):
    mine, theirs = _offender(services, world), _offender(services, world, world.om2)
    _breach(services, world, mine, date(2026, 11, 1))
    devices.report_undeclared_device(services, world.om2, theirs, None, DeviceInput("console", "Xbox"),
                                     date(2026, 11, 25))
    assert [(r.offender_id, r.age_days) for r in breaches.open_breaches(services, world.om)] == [(mine, 24)]
    assert [r.offender_id for r in breaches.open_breaches(services, world.lead)] == [mine, theirs]
