"""Issue 19, every route into the safeguarding response: a visit that raised a concern about a
child, a warning (its own visit trigger), a voided part leaving the caseload flag, the owner
reminded before a part falls due, a part given to another owner, and a disclosure carried out
after the decision. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from rso_manager import reminders
from rso_manager.domain.roles import CaseloadScope
from rso_manager.domain.safeguarding_response import PartState
from rso_manager.persistence import models as m
from rso_manager.services import breaches, case_summary, caseload, corrections, safeguarding, visits
from rso_manager.services.breaches import WarningInput
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import NotFound, ValidationFailed
from rso_manager.services.safeguarding import RelationshipInput
from rso_manager.services.visits import VisitInput
from tests.opening import open_case

DECISION = ("The mother is the person best placed to protect her daughter; he has offended against a child "
            "of a previous partner, so the presumption to disclose applies and nothing outweighs it.")
HANDOVER = "Olly is on leave from tomorrow for two weeks, so Sam takes this check over"


def _offender(services, world, surname="Routes"):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Rhys", date_of_birth=date(1975, 5, 5),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _response(services, world, oid):
    open_case(services, world.om, oid)
    [response] = safeguarding.safeguarding_for(services, world.om, oid).responses
    return response, {p.part: p for p in response.parts}


def _flags(services, world, oid):
    [row] = [r for r in caseload.list_caseload(services, world.om, CaseloadScope.MINE) if r.offender_id == oid]
    return row.flags


def _visit(oid, world, clock, **kw):
    return VisitInput(offender_id=oid, visited_at=clock.now(), outcome="seen",
                      officer_ids=(world.om.user_id, world.supervisor.user_id), **kw)


def test_a_visit_that_raised_a_concern_about_a_child_opens_a_response(services, world, clock):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit(services, world.om, _visit(oid, world, clock, child_concern=True,
                                                       children=("Girl, about 6",)))
    assert err.value.for_field("child_concern_seen")
    with services.session_factory() as s:  # refused whole: no visit, no concern
        assert s.scalar(select(m.Visit.id).where(m.Visit.offender_id == oid)) is None
        assert s.scalar(select(m.SafeguardingReferral.id).where(m.SafeguardingReferral.offender_id == oid)) is None

    seen = "A girl of about six was asleep in the back bedroom; he said she was a neighbour's, staying over."
    result = visits.record_visit(services, world.om, _visit(oid, world, clock, child_concern=True,
                                                            child_concern_seen=seen,
                                                            children=("Girl, about 6", "Her brother")))
    response, parts = _response(services, world, oid)
    assert response.referral_id == result.referral_id and response.origin == "visit"
    assert seen in response.concern and response.concern.startswith("Seen at the visit on 25/11/2026")
    assert [p.title for p in response.parts if p.part == "child_safety_check"] == [
        "Child safety check: Girl, about 6", "Child safety check: Her brother"]
    with services.session_factory() as s:
        ref = s.get(m.SafeguardingReferral, result.referral_id)
        assert (ref.origin_entity, ref.origin_id) == ("visit", result.visit_id)
    # A visit raising nothing opens nothing.
    plain = visits.record_visit(services, world.om, _visit(oid, world, clock))
    assert plain.referral_id is None


def test_a_warning_brings_the_visit_forward_as_a_warning(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:  # visited last week: next due a month after
        s.add(m.Visit(offender_id=oid, kind="home", status="completed", outcome="seen",
                      visited_at=datetime(2026, 11, 20, 10, tzinfo=UTC), created_at=clock.now()))
    with services.session_factory.begin() as s:
        case_summary.refresh(s, oid, clock.today())
    reason = ("He deleted his browsing history the night before the device check, after being told at the last "
              "visit that history must be kept; a first written warning is proportionate.")
    w = breaches.give_warning(services, world.om, oid, WarningInput(
        kind="oral", rationale=reason, given_on=clock.today(), concern_kind="internet_history"))
    with services.session_factory() as s:
        kinds = s.scalars(select(m.VisitTrigger.kind).where(m.VisitTrigger.offender_id == oid,
                                                            m.VisitTrigger.source_entity == "warning",
                                                            m.VisitTrigger.source_id == w.warning_id)).all()
    assert kinds == ["warning"]
    window = visits.visit_defaults(services, world.om, oid).window
    assert window.reason.startswith("warning on 2026-11-25: visit due within")


def test_voiding_a_child_check_clears_the_caseload_flag_and_reinstating_restores_it(services, world, clock):
    oid = _offender(services, world)
    safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Carol Partner", kind="partner", has_children=True, access_to_children=True,
        children=("Amy, 7",)))
    _, parts = _response(services, world, oid)
    referral, disclosure = parts["safeguarding_referral"], parts["disclosure"]
    safeguarding.record_referral(services, world.om, referral.id, referral.version_id, clock.now(),
                                 "Northshire MASH", "M-77", sent_method="phone")
    safeguarding.record_disclosure_decision(services, world.om, disclosure.id, disclosure.version_id, "disclose",
                                            DECISION, world.supervisor.user_id, "Carol Partner, the mother",
                                            clock.now())
    clock.current = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # the check was due by the end of Thursday
    assert "Safeguarding overdue" in _flags(services, world, oid)

    _, parts = _response(services, world, oid)
    check = parts["child_safety_check"]
    caseload.void_entry(services, world.om, "child_safety_check", check.id, check.version_id,
                        "Recorded on the wrong case: Amy is the other offender's partner's child")
    assert "Safeguarding overdue" not in _flags(services, world, oid)
    with services.session_factory() as s:
        assert s.get(m.Offender, oid).next_safeguarding_due is None
        version = s.get(m.ChildSafetyCheck, check.id).version_id
    corrections.reinstate_entry(services, world.om, "child_safety_check", check.id, version,
                                "It was the right case after all: the partner confirmed Amy lives with her")
    assert "Safeguarding overdue" in _flags(services, world, oid)


def test_the_owner_is_reminded_before_a_part_falls_due_and_warned_in_its_last_hours(services, world, clock):
    clock.current = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday; winter: London is UTC
    oid = _offender(services, world)
    safeguarding.record_concern(services, world.om, oid, "Neighbour reports children at the flat at night",
                                children=("Child at the flat",))

    def referral(actor):
        return next(r for r in reminders.scan(services, actor).items
                    if r.offender_id == oid and r.what == "Safeguarding referral")

    clock.current = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # due by the end of today, 12 hours off
    got = referral(world.om)
    assert (got.due, got.overdue, got.imminent, got.escalated) == (date(2026, 11, 25), False, False, False)
    clock.current = datetime(2026, 11, 25, 20, 30, tzinfo=UTC)  # within the 4 hours before
    got = referral(world.om)
    assert got.imminent and not got.overdue and got.detail.startswith("due by 23:59 today")
    assert not any(r.offender_id == oid for r in reminders.scan(services, world.supervisor).items)
    clock.current = datetime(2026, 11, 26, 0, 0, 1, tzinfo=UTC)  # its time has passed
    got = referral(world.om)
    assert got.overdue and not got.imminent
    boss = referral(world.supervisor)
    assert boss.overdue and boss.escalated and boss.detail.startswith("escalated: overdue, owner Olly Manager")


def test_a_part_changes_owner_with_a_reason_and_the_old_owner_kept(services, world, clock):
    oid = _offender(services, world)
    safeguarding.record_concern(services, world.om, oid, "Seen with his nephew at the swimming baths",
                                children=("Nephew, about 12",))
    _, parts = _response(services, world, oid)
    check = parts["child_safety_check"]
    assert check.owner_id == world.om.user_id
    for owner, reason, field in ((world.supervisor2.user_id, "leave", "owner_reason"),
                                 (None, HANDOVER, "owner_id"),
                                 (world.untrained.user_id, HANDOVER, "owner_id")):
        with pytest.raises(ValidationFailed) as err:
            safeguarding.change_part_owner(services, world.om, "child_safety_check", check.id, check.version_id,
                                           owner, reason)
        assert err.value.for_field(field)
    with pytest.raises(NotFound):
        safeguarding.change_part_owner(services, world.om, "rumour", check.id, check.version_id,
                                       world.supervisor.user_id, HANDOVER)
    safeguarding.change_part_owner(services, world.om, "child_safety_check", check.id, check.version_id,
                                   world.supervisor2.user_id, HANDOVER)
    _, parts = _response(services, world, oid)
    assert parts["child_safety_check"].owner == world.supervisor2.display_name
    with services.session_factory() as s:
        [revision] = s.scalars(select(m.RecordRevision).where(m.RecordRevision.entity == "child_safety_check",
                                                              m.RecordRevision.entity_id == check.id)).all()
        assert json.loads(revision.snapshot_json)["owner_id"] == world.om.user_id and revision.reason == HANDOVER
        event = s.scalars(select(m.AuditEvent).where(m.AuditEvent.entity == "child_safety_check",
                                                     m.AuditEvent.entity_id == check.id)
                          .order_by(m.AuditEvent.id.desc())).first()
        assert event.action == "entry.update" and event.reason == HANDOVER
    # The new owner is reminded before it is due; the case's officer still sees whose it is; the
    # other supervisor only once it is overdue.
    key = f"child_safety_check:{check.id}"
    assert any(r.key == key and not r.escalated for r in reminders.scan(services, world.supervisor2).items)
    [theirs] = [r for r in reminders.scan(services, world.om).items if r.key == key]
    assert theirs.detail.startswith("owner Sue Supervisor")
    assert not any(r.key == key for r in reminders.scan(services, world.supervisor).items)


def test_a_disclosure_is_recorded_as_made_after_the_decision(services, world, clock):
    oid = _offender(services, world)
    safeguarding.record_concern(services, world.om, oid, "Living with a partner who has a daughter of nine")
    _, parts = _response(services, world, oid)
    d = parts["disclosure"]
    with pytest.raises(ValidationFailed) as err:  # no decision yet
        safeguarding.record_disclosure_made(services, world.om, d.id, d.version_id, "The mother", clock.now())
    assert err.value.for_field("disclosed_to")
    safeguarding.record_disclosure_decision(services, world.om, d.id, d.version_id, "disclose", DECISION,
                                            world.supervisor.user_id)
    _, parts = _response(services, world, oid)
    d = parts["disclosure"]
    assert d.awaits_disclosure and d.clock.state is PartState.DONE and "not yet told" in d.done
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_disclosure_made(services, world.om, d.id, d.version_id, " ", None)
    assert err.value.for_field("disclosed_to") and err.value.for_field("disclosed_at")
    safeguarding.record_disclosure_made(services, world.om, d.id, d.version_id, "Carol Partner, the mother",
                                        clock.now())
    _, parts = _response(services, world, oid)
    assert not parts["disclosure"].awaits_disclosure and "told Carol Partner" in parts["disclosure"].done
