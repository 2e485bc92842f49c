"""Issue 12: one path for every sign-off decision, nobody signs off an entry they took part in,
and one breach per failure. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from rso_manager.domain.rationale import SignOffDecision, can_sign_off
from rso_manager.domain.roles import CaseloadScope, Role
from rso_manager.persistence import models as m
from rso_manager.services import breaches, case_events, caseload, supervision, visits
from rso_manager.services.breaches import BreachInput
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import PermissionDenied, ValidationFailed
from rso_manager.services.unit_of_work import Actor, unit_of_work
from rso_manager.services.visits import VisitInput
from tests.opening import open_case
from tests.services.test_notifications import _convict, _take

REASONS = ("The offender declared the phone two days late because he was in hospital, which the ward "
           "confirmed; the phone was checked at the visit and held nothing of concern.")
SUPERVISOR_REASONS = ("I have read the hospital confirmation and the device check. A prosecution is not "
                      "proportionate; the OM will re-check the phone at the next unannounced visit.")
RETURN_REASONS = ("The hospital letter does not cover the second day; obtain the discharge summary and "
                  "record the crime if he was discharged earlier than the ward says.")
APPROVE_VISIT = ("Read the reason for announcing the visit: the address is a hostel that admits nobody "
                 "unannounced. Agreed for this visit only; the next one is to be unannounced, Olly to book it.")


def _offender(services, world, om=None) -> int:
    om = om or world.om
    return caseload.create_offender(services, om, OffenderDraft(
        surname="Decision", forenames="Dan", date_of_birth=date(1975, 5, 5),
        offender_manager_id=om.user_id, team_id=om.team_id)).offender_id


def _proposed(services, world, oid, on=date(2026, 11, 20)) -> breaches.BreachView:
    b = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", on, "Failed to notify a change of name within 3 days", duty="change_notification"))
    return breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)


def _item(services, actor, sign_off_id):
    return next(i for i in supervision.queue_for(services, actor) if i.sign_off_id == sign_off_id)


def _breach(services, breach_id) -> m.Breach:
    with services.session_factory() as s:
        return s.get(m.Breach, breach_id)


# --- 1. one decision path ----------------------------------------------------------------------


def test_approving_a_no_crime_proposal_in_the_queue_closes_the_breach(services, world):
    oid = _offender(services, world)
    b = _proposed(services, world, oid)
    item = _item(services, world.supervisor, b.no_crime_sign_off_id)
    # The queue shows the item as what it is, with the breach's own fields.
    entry = supervision.sign_off_entry(services, world.supervisor, item.sign_off_id)
    assert entry.title == "Decision not to record a crime: Failed to notify a change of name within 3 days, 20/11/2026"
    assert not entry.voided
    fields = dict(entry.fields)
    assert fields["Description"] == "Failed to notify a change of name within 3 days"
    assert fields["Occurred on"] == date(2026, 11, 20) and fields["No crime rationale"] == REASONS

    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.APPROVE,
                         SUPERVISOR_REASONS)
    closed = _breach(services, b.breach_id)
    assert closed.status == "closed" and closed.closed_at is not None and closed.crime_reference is None
    open_case(services, world.om, oid)
    [view] = breaches.breaches_for(services, world.om, oid)
    assert view.decision.startswith("No crime recorded: decision signed by Sam Supervisor")
    assert not view.needs_decision
    with services.session_factory() as s:
        assert s.get(m.Offender, oid).open_breaches == 0
        assert "breach.close" in set(s.scalars(select(m.AuditEvent.action)))


def test_returning_it_in_the_queue_leaves_the_breach_open_without_reasons(services, world):
    oid = _offender(services, world)
    b = _proposed(services, world, oid)
    item = _item(services, world.supervisor, b.no_crime_sign_off_id)
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.RETURN,
                         RETURN_REASONS)
    back = _breach(services, b.breach_id)
    assert (back.status, back.no_crime_rationale) == ("open", None)
    with services.session_factory() as s:
        rev = s.scalar(select(m.RecordRevision).where(m.RecordRevision.entity == "breach"))
        assert "in hospital" in rev.snapshot_json


def test_the_breach_dialog_decides_through_the_same_path_and_rules(services, world):
    oid = _offender(services, world)
    b = _proposed(services, world, oid)
    with pytest.raises(ValidationFailed, match="stock phrase"):
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", "Seen and agreed.")
    # A refusal is recorded exactly as the queue records one.
    with services.session_factory() as s:
        refused = s.scalars(select(m.AuditEvent).where(m.AuditEvent.outcome == "refused")).one()
        assert refused.action == "sign_off.decide"
        assert s.scalar(select(m.SignOffRefusal.text)) == "Seen and agreed."
    closed = breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve",
                                      SUPERVISOR_REASONS)
    assert closed.status == "closed"
    with services.session_factory() as s:
        so = s.get(m.SignOff, b.no_crime_sign_off_id)
        assert (so.status, so.signed_by_id, so.rationale) == ("approved", world.supervisor.user_id, SUPERVISOR_REASONS)
    with pytest.raises(ValidationFailed, match="already been decided"):
        supervision.sign_off(services, world.supervisor2, so.id, so.version_id, SignOffDecision.APPROVE,
                             RETURN_REASONS)


def test_an_escalated_no_crime_proposal_closes_when_the_lead_approves(services, world):
    oid = _offender(services, world)
    b = _proposed(services, world, oid)
    item = _item(services, world.supervisor, b.no_crime_sign_off_id)
    out = supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id,
                               SignOffDecision.ESCALATE, RETURN_REASONS)
    assert _breach(services, b.breach_id).status == "open"
    supervision.sign_off(services, world.lead, item.sign_off_id, out.version_id, SignOffDecision.APPROVE,
                         SUPERVISOR_REASONS)
    assert _breach(services, b.breach_id).status == "closed"


# --- 2. nobody signs off an entry they took part in ----------------------------------------------


def test_took_part_rule_is_pure():
    assert not can_sign_off(1, 2, True, True, took_part={1, 2}).allowed
    assert "took part" in can_sign_off(1, 2, True, True, took_part={2}).reason
    assert can_sign_off(1, 2, True, True, took_part={1, 3}).allowed


def _announced_visit(services, world, oid, officers):
    return visits.record_visit(services, world.om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 11, 24, 18, 30, tzinfo=UTC), outcome="seen",
        officer_ids=officers, announced=True, override_reason="Hostel admits nobody unannounced"))


def test_a_supervisor_who_went_on_the_visit_cannot_sign_it_off(services, world):
    oid = _offender(services, world)
    result = _announced_visit(services, world, oid, (world.om.user_id, world.supervisor.user_id))
    with services.session_factory() as s:
        so = s.get(m.SignOff, result.sign_off_id)
        # Put in the queue of the team supervisor who was not there.
        assert so.supervisor_id == world.supervisor2.user_id
    assert supervision.queue_for(services, world.supervisor) == []
    with pytest.raises(PermissionDenied, match="took part"):
        supervision.sign_off(services, world.supervisor, so.id, so.version_id, SignOffDecision.APPROVE,
                             APPROVE_VISIT)
    item = _item(services, world.supervisor2, so.id)
    assert supervision.sign_off(services, world.supervisor2, so.id, item.version_id, SignOffDecision.APPROVE,
                                APPROVE_VISIT).status == "approved"


def test_an_item_whose_owner_took_part_routes_to_the_lead(services, world):
    """A request already waiting with a supervisor who then turns out to have taken part (she
    was put in its queue before the rule, or the visit's officers changed)."""
    oid = _offender(services, world)
    result = _announced_visit(services, world, oid, (world.om.user_id, world.supervisor.user_id))
    with services.session_factory.begin() as s:
        s.get(m.SignOff, result.sign_off_id).supervisor_id = world.supervisor.user_id
    assert supervision.queue_for(services, world.supervisor) == []
    [item] = supervision.queue_for(services, world.lead)
    assert item.sign_off_id == result.sign_off_id and "routed to the OMU lead" in item.routing


def test_the_lead_who_took_part_passes_it_to_another_supervisor(services, world):
    oid = _offender(services, world)
    result = _announced_visit(services, world, oid, (world.om.user_id, world.lead.user_id))
    with services.session_factory.begin() as s:
        s.get(m.SignOff, result.sign_off_id).supervisor_id = None  # no team supervisor: the lead's
    assert supervision.queue_for(services, world.lead) == []
    assert [i.sign_off_id for i in supervision.queue_for(services, world.supervisor)] == [result.sign_off_id]


def test_the_queue_reads_who_took_part_as_each_decision_does(services, world):
    """The queue reads who took part for all its items at once (issue 16); the decision reads it
    for one. Both must name the same people: the author, the entry's own user columns, a visit's
    officers, and for an entry no longer in its table only the author."""
    oid = _offender(services, world)
    visit = _announced_visit(services, world, oid, (world.om.user_id, world.supervisor.user_id))
    breach = _proposed(services, world, oid)
    with services.session_factory.begin() as s:
        gone = m.SignOff(offender_id=oid, entity="visit", entity_id=10**9, summary="An entry since lost",
                         author_id=world.om.user_id, supervisor_id=world.supervisor2.user_id,
                         requested_at=services.clock.now(), status="pending",
                         created_at=services.clock.now(), updated_at=services.clock.now())
        s.add(gone)
    with services.session_factory() as s:
        rows = s.execute(select(m.SignOff.__table__).where(m.SignOff.status.in_(supervision.OPEN_STATUSES))).all()
        many = case_events.took_part_many(s, rows)
        one = {r.id: case_events.took_part(s, r.entity, r.entity_id, r.author_id) for r in rows}
    assert many == one
    assert many[visit.sign_off_id] >= {world.om.user_id, world.supervisor.user_id}
    assert world.om.user_id in many[breach.no_crime_sign_off_id]
    assert many[gone.id] == {world.om.user_id}


def test_the_no_crime_dialog_says_who_may_not_decide(services, world):
    oid = _offender(services, world)
    b = breaches.open_manual_breach(services, world.supervisor, oid, BreachInput(
        "statutory_duty", date(2026, 11, 20), "Failed to notify a change of name", duty="change_notification"))
    b = breaches.propose_no_crime(services, world.om, b.breach_id, b.version_id, REASONS)
    # Sam recorded the breach, so he took part: Sue decides.
    open_case(services, world.supervisor, oid)
    open_case(services, world.supervisor2, oid)
    assert not breaches.breach_decision(services, world.supervisor, b.breach_id).proposal.may_decide
    assert breaches.breach_decision(services, world.supervisor2, b.breach_id).proposal.may_decide
    with pytest.raises(PermissionDenied, match="took part"):
        breaches.decide_no_crime(services, world.supervisor, b.no_crime_sign_off_id, b.no_crime_sign_off_version, "approve", SUPERVISOR_REASONS)


def _colleague(services, world, username="olive", role=Role.OFFENDER_MANAGER) -> Actor:
    with services.session_factory.begin() as s:
        base = s.get(m.User, world.om.user_id)
        u = m.User(username=username, display_name="Olive Officer", role=role.value, team_id=world.team_id,
                   trained=True, active=True, password_hash=base.password_hash, failed_logins=0,
                   created_at=services.clock.now())
        s.add(u)
        s.flush()
        return Actor(u.id, u.username, u.display_name, role, u.team_id, True)


def _away(services, world, user_id, until=date(2027, 1, 31)):
    supervision.record_absence(services, world.lead, user_id, date(2026, 11, 1), until, "Annual leave")


def test_the_visit_form_never_proposes_the_supervisor_who_would_sign_it(services, world):
    oid = _offender(services, world)
    olive = _colleague(services, world)
    open_case(services, world.om, oid)
    assert visits.visit_defaults(services, world.om, oid).second_officer_id == olive.user_id
    # Olive and Sue away: only Sam is free, and Sam would sign the visit off.
    _away(services, world, olive.user_id)
    _away(services, world, world.supervisor2.user_id)
    defaults = visits.visit_defaults(services, world.om, oid)
    assert defaults.second_officer_id is None
    assert "Sam Supervisor" in defaults.second_officer_note and "sign" in defaults.second_officer_note


def test_the_planner_does_not_pair_the_supervisor_who_would_sign(services, world):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="very_high",
                                  assessed_on=date(2026, 9, 1))
    _away(services, world, world.supervisor2.user_id)
    view = visits.propose(services, world.om, as_of=date(2026, 11, 25), days=14, scope=CaseloadScope.MINE, seed=1)
    [item] = [i for i in view.items if i.offender_id == oid]
    assert world.supervisor.user_id not in item.officer_ids
    assert any("only Sam Supervisor" in w and "sign" in w for w in item.warnings)
    # With another officer in the team, she is paired instead.
    olive = _colleague(services, world)
    view = visits.propose(services, world.om, as_of=date(2026, 11, 25), days=14, scope=CaseloadScope.MINE, seed=1)
    [item] = [i for i in view.items if i.offender_id == oid]
    assert item.officer_ids == (world.om.user_id, olive.user_id)


# --- 3. one breach per failure -----------------------------------------------------------------


def test_taking_an_overdue_annual_notification_does_not_open_a_second_breach(services, world, clock):
    oid = _offender(services, world)
    _convict(services, world, oid, date(2026, 11, 24))
    _take(services, world, oid, "initial")
    clock.advance(days=380)  # the annual notification was due by 25/11/2027
    # The missed notification was recorded by hand (as the seed data has it), before the sweep.
    manual = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2027, 11, 26), "Failed to make the annual notification (s.85)",
        duty="periodic_notification"))
    again = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2027, 11, 26), "Did not come in for the annual notification",
        duty="periodic_notification"))
    assert again.already_open and again.breach_id == manual.breach_id
    assert breaches.open_missed_notification_breaches(services) == 0  # the sweep finds it open
    taken = _take(services, world, oid, "periodic")
    assert taken.late and taken.breach_ids == (manual.breach_id,)
    with services.session_factory() as s:
        rows = s.scalars(select(m.Breach).where(m.Breach.offender_id == oid)).all()
        assert [(b.id, b.notification_id) for b in rows] == [(manual.breach_id, taken.notification_ids[0])]
        assert s.get(m.Offender, oid).open_breaches == 1
    assert breaches.open_missed_notification_breaches(services) == 0


def test_the_same_duty_on_another_day_or_another_notification_is_another_breach(services, world):
    oid = _offender(services, world)
    first = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2026, 11, 20), "Late change of name", duty="change_notification"))
    other_day = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2026, 11, 21), "Late change of address", duty="change_notification"))
    other_duty = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2026, 11, 20), "Refused fingerprints", duty="biometrics"))
    assert len({first.breach_id, other_day.breach_id, other_duty.breach_id}) == 3
    with unit_of_work(services, world.om) as uow:
        n1, n2 = (uow.stamp_created(m.StatutoryNotification(offender_id=oid, kind=k, due_on=date(2026, 11, 10)))
                  for k in ("change_name", "change_address"))
        uow.session.add_all([n1, n2])
        uow.session.flush()
        kw = dict(offender_id=oid, kind="statutory_duty", source="missed_notification", duty="change_notification",
                  occurred_on=date(2026, 11, 11), description="Missed")
        a = case_events.open_breach(uow, notification_id=n1.id, **kw)
        b = case_events.open_breach(uow, notification_id=n2.id, **kw)
        assert a.id != b.id  # two notifications missed the same day are two failures
        assert case_events.open_breach(uow, notification_id=n1.id, **kw).id == a.id


def test_recording_a_crime_reference_always_closes_the_breach(services, world):
    oid = _offender(services, world)
    b = _proposed(services, world, oid)
    breaches.record_crime_reference(services, world.om, b.breach_id, b.version_id, "NY-26-000002")
    plain = breaches.open_manual_breach(services, world.om, oid, BreachInput(
        "statutory_duty", date(2026, 11, 22), "Gave a false address", duty="false_information"))
    breaches.record_crime_reference(services, world.om, plain.breach_id, plain.version_id, "NY-26-000003")
    with services.session_factory() as s:
        assert s.scalars(select(m.Breach).where(m.Breach.status == "open",
                                                m.Breach.crime_reference.is_not(None))).all() == []
