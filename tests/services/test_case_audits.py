"""Managers' case audits (issue 18 part 2), on SQLite and PostgreSQL: a recorded sample that is
never re-rolled quietly, who may audit, the evidence beside each question for a built case, a
finding made an action, sign-off never by the auditor, corrections with history."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from rso_manager.domain.case_audit_checklist import QUESTION_KEYS, Response
from rso_manager.persistence import models as m
from rso_manager.services import (
    breaches,
    case_audits,
    caseload,
    devices,
    safeguarding,
    supervision,
    visits,
)
from rso_manager.services.case_audits import AuditDraft, SampleScope
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.visits import VisitInput
from tests.opening import open_case

AUDIT_REASON = "Quarterly case audit of this case against the inspection checklist"
REDRAW_REASON = ("The first draw took three cases transferred to another force last week, so they cannot be "
                 "audited here; drawing again from the same scope with the same size.")
FINDINGS = ("Visits are mostly unannounced and with two officers, but one lone visit in October had no "
            "second officer; the phone found in November was rightly recorded as a crime.")
SIGN_OFF_RATIONALE = ("I have read the audit against the record: the grade follows from the lone visit and "
                      "the findings name the action needed, so I agree the audit as it stands.")


def _case(services, world, surname="Auditcase", team=None, om=None) -> int:
    om = om or world.om
    return caseload.create_offender(services, om, OffenderDraft(
        surname=surname, forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=om.user_id, team_id=team or world.team_id)).offender_id


def _all_met(note: str = "") -> dict[str, Response]:
    return {k: Response("met", note) for k in QUESTION_KEYS}


def _audit_events(services, action):
    with services.session_factory() as s:
        return list(s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == action).order_by(m.AuditEvent.id)))


def test_a_recorded_sample_cannot_be_redrawn_without_a_reason(services, world):
    ids = {_case(services, world, f"Sample{n}") for n in range(4)}
    first = case_audits.draw_sample(services, world.lead, SampleScope(), 2)
    assert len(first.cases) == 2 and {c.offender_id for c in first.cases} <= ids
    assert len(first.seed) == 32 and first.scope_text.startswith("Whole force")
    [drawn] = _audit_events(services, "case_audit.draw")
    assert drawn.entity_id == first.id
    assert json.loads(drawn.details_json)["offender_ids"] == [c.offender_id for c in first.cases]

    # The same scope again is a re-roll: refused, pointing at the redraw.
    with pytest.raises(ValidationFailed) as err:
        case_audits.draw_sample(services, world.lead, SampleScope(), 2)
    assert "redraw that sample with a reason" in err.value.for_field("scope")
    for reason in ("", "ok", "redo"):
        with pytest.raises(ValidationFailed) as err:
            case_audits.redraw_sample(services, world.lead, first.id, first.version_id, reason)
        assert err.value.for_field("reason")
    assert [s.id for s in case_audits.samples(services, world.lead)] == [first.id]  # nothing changed

    second = case_audits.redraw_sample(services, world.lead, first.id, first.version_id, REDRAW_REASON)
    assert second.supersedes_id == first.id and second.reason == REDRAW_REASON and second.seed != first.seed
    assert [s.id for s in case_audits.samples(services, world.lead)] == [second.id]
    kept = {s.id: s for s in case_audits.samples(services, world.lead, include_superseded=True)}
    assert kept[first.id].superseded and kept[first.id].cases == first.cases
    [redrawn] = _audit_events(services, "case_audit.redraw")
    assert redrawn.reason == REDRAW_REASON and json.loads(redrawn.details_json)["supersedes_id"] == first.id


def test_a_sample_larger_than_its_scope_is_refused_with_a_field_message(services, world):
    _case(services, world, "Northone")
    _case(services, world, "Northtwo")
    _case(services, world, "Southone", team=world.team2_id, om=world.om2)
    with pytest.raises(ValidationFailed) as err:
        case_audits.draw_sample(services, world.lead, SampleScope(team_ids=(world.team_id,)), 3)
    assert err.value.for_field("size") == ("The scope holds 2 active cases; choose a size from 1 to 2, or widen "
                                           "the scope.")
    with pytest.raises(ValidationFailed) as err:
        case_audits.draw_sample(services, world.lead, SampleScope(), 0)
    assert "at least 1" in err.value.for_field("size")
    with pytest.raises(ValidationFailed) as err:
        case_audits.draw_sample(services, world.lead, SampleScope(risk_levels=("extreme",)), 1)
    assert "Unknown risk level extreme" in err.value.for_field("risk_levels")
    assert case_audits.samples(services, world.lead) == []  # nothing recorded
    south = case_audits.draw_sample(services, world.lead, SampleScope(team_ids=(world.team2_id,), by_risk=True), 1)
    assert [c.reference for c in south.cases] and south.cases[0].team == "South"


def test_only_the_lead_or_a_current_delegate_may_audit(services, world, clock):
    _case(services, world)
    with pytest.raises(PermissionDenied) as err:
        case_audits.draw_sample(services, world.supervisor, SampleScope(), 1)
    assert "names as a case audit delegate" in str(err.value)
    with pytest.raises(PermissionDenied):
        case_audits.name_delegate(services, world.supervisor, world.supervisor2.user_id, date(2026, 11, 25), None)
    with pytest.raises(ValidationFailed) as err:
        case_audits.name_delegate(services, world.lead, world.om.user_id, date(2026, 11, 24), None)
    assert err.value.for_field("user_id") and err.value.for_field("starts_on")

    named = case_audits.name_delegate(services, world.lead, world.supervisor.user_id, date(2026, 11, 25),
                                      date(2026, 12, 31))
    assert named.current and case_audits.audit_standing(services, world.supervisor).may_audit
    case_audits.draw_sample(services, world.supervisor, SampleScope(), 1)
    clock.current = datetime(2027, 1, 4, 10, tzinfo=UTC)  # the delegation has ended by date
    assert not case_audits.audit_standing(services, world.supervisor).may_audit
    with pytest.raises(PermissionDenied):
        case_audits.samples(services, world.supervisor)
    assert [d.current for d in case_audits.delegates(services, world.lead)] == [False]
    assert _audit_events(services, "case_audit.delegate")[0].entity_id == named.id


def _built_case(services, world) -> int:
    """Four home visits: one announced (with its reason), one by a lone officer, and an
    undeclared phone found at the last, recorded as a crime."""
    oid = _case(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="high", assessed_on=date(2026, 6, 1))
    pair = (world.om.user_id, world.supervisor.user_id)
    for day, kw in ((date(2026, 8, 5), {"announced": True, "override_reason": "Arranged around his mother's "
                                                                              "hospital appointments this week"}),
                    (date(2026, 9, 9), {}),
                    (date(2026, 10, 14), {"officer_ids": (world.om.user_id,),
                                          "override_reason": "Second officer called away to an urgent arrest"}),
                    (date(2026, 11, 18), {"found_devices": (devices.DeviceInput(kind="phone", make_model="Nokia 3310"),)})):
        base = {"offender_id": oid, "visited_at": datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
                "outcome": "seen", "officer_ids": pair}
        visits.record_visit(services, world.om, VisitInput(**{**base, **kw}))
    open_case(services, world.om, oid)
    [b] = breaches.breaches_for(services, world.om, oid)
    breaches.record_crime_reference(services, world.om, b.breach_id, b.version_id, "NY-26-004321")
    return oid


def test_the_evidence_lines_are_right_for_a_built_case(services, world):
    oid = _built_case(services, world)
    form = case_audits.open_audit(services, world.lead, oid, sample_id=None, reason_text=AUDIT_REASON)
    ev = form.evidence
    assert [q.key for q in ev.questions] == list(QUESTION_KEYS)
    assert ev.lines("visits_unannounced") == (
        "3 of the last 4 home visits unannounced.",
        "Announced on 05/08/2026: reason \u201cArranged around his mother's hospital appointments this week\u201d.")
    assert ev.lines("visits_two_officers") == ("3 of the last 4 visits with two officers.", "Lone visit on 14/10/2026.")
    assert ev.lines("visits_at_home")[0] == "4 of the last 4 visits at home."
    devices_lines = ev.lines("devices")
    assert devices_lines[0] == "1 device recorded (phone)."
    assert "phone Nokia 3310 found 18/11 not declared: breach closed with crime reference NY-26-004321." in devices_lines
    assert ev.lines("breaches")[0] == "1 breach: 1 with a crime reference, 0 decided no crime, 0 neither."
    assert "Risk assessed as High (review was due 01/09/2026: overdue)." in ev.lines("record_complete")
    assert ev.lines("warnings") == ("No warning recorded.",)
    assert ev.lines("referrals_on_time") == ("No safeguarding referral or disclosure recorded.",)
    # The same evidence is a reader of the record like any other: covered by an opening.
    assert case_audits.case_evidence(services, world.om, oid) == case_audits.case_evidence(services, world.om, oid)
    opened = _audit_events(services, "record.open")[-1]
    assert opened.reason == f"compliance_check: {AUDIT_REASON}" and opened.username == "lead"


def test_an_audit_finding_becomes_an_action_on_the_case(services, world):
    oid = _case(services, world)
    form = case_audits.open_audit(services, world.lead, oid, sample_id=None, reason_text=AUDIT_REASON)
    owners = case_audits.finding_owners(services, world.lead, form.audit.id)
    assert [(o.name, o.part) for o in owners][:1] == [("Olly Manager", "Offender manager")]
    with pytest.raises(ValidationFailed) as err:
        case_audits.add_finding_action(services, world.lead, form.audit.id, " ", None, date(2026, 11, 1))
    assert {p.field for p in err.value.problems} == {"description", "owner_id", "due_on"}
    made = case_audits.add_finding_action(services, world.lead, form.audit.id,
                                          "Record why the October visit went ahead with one officer",
                                          world.om.user_id, date(2026, 12, 9))
    open_case(services, world.om, oid)
    [action] = safeguarding.actions_for(services, world.om, oid)
    assert (action.id, action.owner, action.due_on) == (made.id, "Olly Manager", date(2026, 12, 9))
    with services.session_factory() as s:
        assert s.get(m.Action, made.id).case_audit_id == form.audit.id
    again = case_audits.audit_form(services, world.lead, form.audit.id)
    assert [a.description for a in again.audit.actions] == [made.description]
    figures = case_audits.grade_figures(services, world.lead)
    assert [r.needed for r in figures.open_findings] == [
        "Case audit finding: Record why the October visit went ahead with one officer (due 09/12/2026)"]


def test_an_auditor_cannot_sign_off_their_own_audit(services, world):
    oid = _case(services, world)
    case_audits.name_delegate(services, world.lead, world.supervisor.user_id, date(2026, 11, 25), None)
    sample = case_audits.draw_sample(services, world.supervisor, SampleScope(), 1)
    form = case_audits.open_audit(services, world.supervisor, oid, sample_id=sample.id, reason_text=AUDIT_REASON)
    audit = form.audit
    with pytest.raises(ValidationFailed) as err:
        case_audits.complete_audit(services, world.supervisor, audit.id, audit.version_id,
                                   AuditDraft({"devices": Response("partly")}, None, "seen"))
    fields = {p.field for p in err.value.problems}
    assert {"answer.record_complete", "answer.devices", "grade", "findings"} <= fields
    saved = case_audits.save_audit(services, world.supervisor, audit.id, audit.version_id,
                                   AuditDraft({"devices": Response("partly", "Laptop never checked")}))
    responses = {**_all_met(), "visits_two_officers": Response("not_met", "Lone visit on 14/10 with no reason")}
    done = case_audits.complete_audit(services, world.supervisor, audit.id, saved.version_id,
                                      AuditDraft(responses, "requires_improvement", FINDINGS))
    assert done.completed_at is not None and done.sign_off_status == "pending"
    with services.session_factory() as s:
        so = s.scalars(select(m.SignOff).where(m.SignOff.entity == "case_audit")).one()
        assert so.supervisor_id == world.supervisor2.user_id  # routed past the auditor
    with pytest.raises(PermissionDenied) as err:
        supervision.sign_off(services, world.supervisor, so.id, so.version_id, "approve", SIGN_OFF_RATIONALE)
    assert "your own entry" in str(err.value)
    with pytest.raises(ValidationFailed) as err:
        supervision.sign_off(services, world.supervisor2, so.id, so.version_id, "approve", "Agreed.")
    assert err.value.for_field("rationale")
    entry = supervision.sign_off_entry(services, world.supervisor2, so.id)
    assert entry.title == "Case audit graded requires improvement"
    supervision.sign_off(services, world.supervisor2, so.id, so.version_id, "approve", SIGN_OFF_RATIONALE)
    [case] = case_audits.samples(services, world.lead)[0].cases
    assert (case.state, case.grade) == ("Signed off", "requires_improvement")


def test_a_returned_audit_reopens_and_corrections_keep_history(services, world):
    oid = _case(services, world)
    form = case_audits.open_audit(services, world.lead, oid, sample_id=None, reason_text=AUDIT_REASON)
    done = case_audits.complete_audit(services, world.lead, form.audit.id, form.audit.version_id,
                                      AuditDraft(_all_met(), "good", FINDINGS))
    with services.session_factory() as s:
        so = s.scalars(select(m.SignOff).where(m.SignOff.entity == "case_audit")).one()
    with pytest.raises(PermissionDenied):  # the lead audited it: not theirs to decide
        supervision.sign_off(services, world.lead, so.id, so.version_id, "approve", SIGN_OFF_RATIONALE)
    supervision.sign_off(services, world.supervisor, so.id, so.version_id, "return",
                         "The grade says good but the lone visit in October is not mentioned in the findings; "
                         "look at the visit record again and say whether it changes the grade.")
    reopened = case_audits.audit_form(services, world.lead, done.id).audit
    assert reopened.completed_at is None and reopened.sign_off_status == "returned"
    done = case_audits.complete_audit(services, world.lead, done.id, reopened.version_id,
                                      AuditDraft(_all_met(), "good", FINDINGS))
    with pytest.raises(ValidationFailed) as err:
        case_audits.correct_audit(services, world.lead, done.id, done.version_id,
                                  AuditDraft(_all_met(), "inadequate", FINDINGS), "typo")
    assert err.value.for_field("reason")
    fixed = case_audits.correct_audit(services, world.lead, done.id, done.version_id,
                                      AuditDraft(_all_met(), "inadequate", FINDINGS),
                                      "Graded good by mistake; the audit notes support inadequate")
    assert fixed.grade == "inadequate"
    with services.session_factory() as s:
        kept = s.scalars(select(m.RecordRevision).where(m.RecordRevision.entity == "case_audit")
                         .order_by(m.RecordRevision.id)).all()
        assert json.loads(kept[-1].snapshot_json)["grade"] == "good"
    with pytest.raises(ValidationFailed):
        case_audits.void_audit(services, world.lead, fixed.id, fixed.version_id, "")
    voided = case_audits.void_audit(services, world.lead, fixed.id, fixed.version_id,
                                    "Audited the wrong case: the sample named his brother's record")
    assert voided.voided
    assert _audit_events(services, "entry.void")[-1].entity == "case_audit"


def test_a_delegate_opens_a_case_outside_their_team_with_a_reason_put_for_review(services, world):
    south = _case(services, world, "Southcase", team=world.team2_id, om=world.om2)
    case_audits.name_delegate(services, world.lead, world.supervisor.user_id, date(2026, 11, 25), None)
    with pytest.raises(PermissionDenied):  # reading the evidence needs an opening of the record
        case_audits.case_evidence(services, world.supervisor, south)
    outside = ("Case audit for the OMU lead of a South team case drawn in this quarter's sample, checking visits, "
               "devices and breaches against the inspection checklist")
    form = case_audits.open_audit(services, world.supervisor, south, sample_id=None, reason_text=outside)
    assert form.audit.team == "South"
    with services.session_factory() as s:
        c = s.scalars(select(m.Consultation).where(m.Consultation.offender_id == south)
                      .order_by(m.Consultation.id.desc())).first()
        assert c.link == "none" and c.review_sign_off_id is not None  # put to the case supervisor
