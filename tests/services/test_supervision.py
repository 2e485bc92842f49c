from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.persistence import models as m
from rso_manager.services import case_events, caseload, supervision
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import AccountChanged, PermissionDenied, ValidationFailed
from rso_manager.services.unit_of_work import unit_of_work

GOOD = ("Reviewed the ARMS assessment against the latest home visit and the police intelligence; "
        "risk stays medium because he has kept to the order. Next visit brought forward to {when} by Olly.")
OTHER = ("Plan agreed: the new partner has no access to children, checked with social care today. "
         "Keep three monthly visits and review after the court date; Olly to update the plan by Friday.")


def _offender(services, world, surname="Testcase"):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _request(services, author, offender_id, entity_id=1, summary="Risk assessment for sign-off"):
    with unit_of_work(services, author) as uow:
        so = case_events.request_sign_off(uow, entity="risk_assessment", entity_id=entity_id,
                                          offender_id=offender_id, summary=summary)
        return so.id, so.supervisor_id


def _item(queue, sign_off_id):
    return next(i for i in queue if i.sign_off_id == sign_off_id)


def test_boilerplate_refused_with_reason_and_kept(services, world):
    oid = _offender(services, world)
    sid, owner = _request(services, world.om, oid)
    assert owner == world.supervisor.user_id
    item = _item(supervision.queue_for(services, world.supervisor), sid)
    with pytest.raises(ValidationFailed) as err:
        supervision.sign_off(services, world.supervisor, sid, item.version_id, SignOffDecision.APPROVE, "Noted")
    message = err.value.for_field("rationale")
    assert "stock phrase" in message and "A good rationale says what was considered" in message
    with services.session_factory() as s:
        refusal = s.scalars(select(m.SignOffRefusal)).one()
        audit = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "sign_off.decide")).one()
        assert s.get(m.SignOff, sid).status == "pending"
    assert (refusal.sign_off_id, refusal.user_id, refusal.text) == (sid, world.supervisor.user_id, "Noted")
    assert "stock phrase" in refusal.reason
    assert audit.outcome == "refused"

    with pytest.raises(ValidationFailed, match="at least 15"):
        supervision.sign_off(services, world.supervisor, sid, item.version_id, SignOffDecision.APPROVE,
                             "Risk assessment looks right to me.")
    done = supervision.sign_off(services, world.supervisor, sid, item.version_id, SignOffDecision.APPROVE,
                                GOOD.format(when="1 December"))
    assert (done.status, done.signed_by_id, done.via_cover) == ("approved", world.supervisor.user_id, False)
    assert supervision.queue_for(services, world.supervisor) == []


def test_templated_near_copy_refused(services, world):
    oid = _offender(services, world)
    first, _ = _request(services, world.om, oid, 1)
    supervision.sign_off(services, world.supervisor, first, 1, SignOffDecision.APPROVE, GOOD.format(when="1 December"))
    second, owner = _request(services, world.om, oid, 2)
    assert owner == world.supervisor.user_id
    with pytest.raises(ValidationFailed, match="same as one of your recent sign-offs"):
        supervision.sign_off(services, world.supervisor, second, 1, SignOffDecision.APPROVE,
                             GOOD.format(when="3 December").replace("Olly", "Oona"))
    # Fresh reasoning on the same item passes.
    assert supervision.sign_off(services, world.supervisor, second, 1, SignOffDecision.RETURN, OTHER).status == "returned"


def test_self_sign_off_refused(services, world):
    oid = _offender(services, world)
    sid, owner = _request(services, world.supervisor, oid)
    with pytest.raises(PermissionDenied, match="own entry"):
        supervision.sign_off(services, world.supervisor, sid, 1, SignOffDecision.APPROVE, OTHER)
    # Sam's own entry is put in the other team supervisor's queue, never in Sam's...
    assert owner == world.supervisor2.user_id
    assert [i.sign_off_id for i in supervision.queue_for(services, world.supervisor2)] == [sid]
    # ...and even if it was put there (before he joined the team, say), it routes on.
    with services.session_factory.begin() as s:
        s.execute(update(m.SignOff).where(m.SignOff.id == sid).values(supervisor_id=world.supervisor.user_id))
    assert supervision.queue_for(services, world.supervisor) == []
    assert [i.sign_off_id for i in supervision.queue_for(services, world.lead)] == [sid]
    with services.session_factory() as s:
        audit = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "sign_off.decide")).one()
    assert audit.outcome == "refused"


def test_untrained_user_never_receives_or_signs(services, world):
    oid = _offender(services, world)
    sid, _ = _request(services, world.om, oid)
    with pytest.raises(ValidationFailed, match="trained supervisor"):
        supervision.name_cover(services, world.lead, world.supervisor.user_id, world.untrained.user_id, date(2026, 11, 25))
    with pytest.raises(ValidationFailed, match="trained supervisor"):
        supervision.name_cover(services, world.lead, world.supervisor.user_id, world.om.user_id, date(2026, 11, 25))
    with pytest.raises(PermissionDenied, match="OMU lead"):
        supervision.name_cover(services, world.supervisor, world.supervisor.user_id, world.supervisor2.user_id,
                               date(2026, 11, 25))
    assert supervision.queue_for(services, world.untrained) == []
    assert supervision.queue_for(services, world.om) == []
    with pytest.raises(PermissionDenied, match="supervisor"):
        supervision.sign_off(services, world.untrained, sid, 1, SignOffDecision.APPROVE, OTHER)

    # Sue is named cover, then loses her accreditation while Sam is away: the queue goes to
    # the OMU lead, not to her.
    supervision.name_cover(services, world.lead, world.supervisor.user_id, world.supervisor2.user_id, date(2026, 11, 25))
    supervision.record_absence(services, world.supervisor, world.supervisor.user_id, date(2026, 11, 25),
                               date(2026, 11, 27), "annual leave")
    with services.session_factory.begin() as s:
        s.execute(update(m.User).where(m.User.id == world.supervisor2.user_id).values(trained=False))
    # Her open session has lost its powers; signed in again, nothing is routed to her.
    with pytest.raises(AccountChanged):
        supervision.queue_for(services, world.supervisor2)
    assert supervision.queue_for(services, replace(world.supervisor2, trained=False)) == []
    lead_item = _item(supervision.queue_for(services, world.lead), sid)
    assert not lead_item.via_cover and "not trained" in lead_item.routing


def test_queue_goes_to_cover_during_absence(services, world, clock):
    oid = _offender(services, world)
    sid, owner = _request(services, world.om, oid)
    assert owner == world.supervisor.user_id
    supervision.record_absence(services, world.lead, world.supervisor.user_id, date(2026, 11, 26),
                               date(2026, 12, 4), "annual leave")
    supervision.name_cover(services, world.lead, world.supervisor.user_id, world.supervisor2.user_id,
                           date(2026, 11, 26), date(2026, 12, 4))
    # Before the absence starts the item is Sam's.
    assert [i.sign_off_id for i in supervision.queue_for(services, world.supervisor, date(2026, 11, 25))] == [sid]
    assert supervision.queue_for(services, world.supervisor2, date(2026, 11, 25)) == []

    clock.current = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert supervision.queue_for(services, world.supervisor) == []
    item = _item(supervision.queue_for(services, world.supervisor2), sid)
    assert item.via_cover and not item.escalated
    assert (item.age_days, item.age_working_days) == (5, 3)
    done = supervision.sign_off(services, world.supervisor2, sid, item.version_id, SignOffDecision.APPROVE, OTHER)
    assert done.via_cover and done.signed_by_id == world.supervisor2.user_id


def test_escalation_after_five_working_days_across_christmas(services, world, clock):
    clock.current = datetime(2026, 12, 21, 10, 0, tzinfo=UTC)  # Monday
    oid = _offender(services, world)
    old, _ = _request(services, world.om, oid, 1)
    clock.current = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    new, _ = _request(services, world.om, oid, 2)
    # 25 Dec and the substitute Boxing Day (Mon 28) are bank holidays, so the fifth working
    # day after Mon 21 is Wed 30: still within the limit that day (not on Tue 29, as a
    # calendar that ignored the holidays would have it), escalated on Thu 31.
    clock.current = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)
    assert not any(i.escalated for i in supervision.queue_for(services, world.supervisor))
    assert supervision.queue_for(services, world.lead) == []
    clock.current = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    sam = supervision.queue_for(services, world.supervisor) + supervision.queue_for(services, world.supervisor2)
    assert {(i.sign_off_id, i.escalated) for i in sam} == {(old, True), (new, False)}
    lead = supervision.queue_for(services, world.lead)
    assert [(i.sign_off_id, i.escalated, i.age_working_days) for i in lead] == [(old, True, 6)]

    # A supervisor's own decision to escalate routes the item to the OMU lead to decide.
    item = _item(sam, new)
    assert item.owner_supervisor_id == world.supervisor2.user_id  # Sam already had one waiting
    out = supervision.sign_off(services, world.supervisor2, new, item.version_id, SignOffDecision.ESCALATE,
                               "Escalating: the disclosure decision rests on intelligence I cannot assess; the "
                               "lead should decide whether the partner is told before the weekend visit.")
    assert (out.status, out.supervisor_id) == ("escalated", world.lead.user_id)
    lead_item = _item(supervision.queue_for(services, world.lead), new)
    assert lead_item.escalated and lead_item.status == "escalated"
    with pytest.raises(PermissionDenied, match="OMU lead"):
        supervision.sign_off(services, world.supervisor, new, out.version_id, SignOffDecision.APPROVE, GOOD)
    final = supervision.sign_off(services, world.lead, new, out.version_id, SignOffDecision.APPROVE, OTHER)
    assert final.status == "approved" and final.signed_by_id == world.lead.user_id


def test_request_entry_sign_off_for_configured_entry(services, world):
    from rso_manager.services import safeguarding
    oid = _offender(services, world)
    action = safeguarding.add_action(services, world.om, oid, "Check the new address with the council",
                                     world.om.user_id, date(2026, 12, 1))
    req = supervision.request_entry_sign_off(services, world.om, "plan_action", action.id, oid, "Action plan change")
    assert (req.status, req.supervisor_id) == ("pending", world.supervisor.user_id)
    with pytest.raises(ValidationFailed, match="already waiting"):
        supervision.request_entry_sign_off(services, world.om, "plan_action", action.id, oid, "Again")
    with pytest.raises(ValidationFailed, match="cannot be sent"):
        supervision.request_entry_sign_off(services, world.om, "app_user", 1, oid, "Nope")
