"""Issue 19: every concern about a child opens a safeguarding response (referral, s.327A
disclosure consideration, a check on each child) on clocks that remind, escalate and show on the
caseload; a warning for worrying behaviour raises concern. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from rso_manager import reminders
from rso_manager.domain.rationale import SignOffDecision
from rso_manager.domain.roles import CaseloadScope
from rso_manager.domain.safeguarding_response import PartState
from rso_manager.persistence import models as m
from rso_manager.services import (
    breaches,
    case_log,
    case_summary,
    caseload,
    safeguarding,
    supervision,
)
from rso_manager.services.breaches import WarningInput
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.safeguarding import RelationshipInput
from tests.opening import open_case

NOT_NEEDED = ("The child named is the offender's own adult son's partner's niece who lives abroad and has "
              "never visited; the social worker confirmed by telephone that no contact is possible.")
DECISION = ("The mother is the person best placed to protect her daughter; he has offended against a child "
            "of a previous partner, so the presumption to disclose applies and nothing outweighs it.")
RETURN = ("A niece abroad can still be visited here in the holidays; check with the family when she last "
          "came and record the check rather than marking it not needed.")


def _end_of(y, mo, d):  # winter: the end of the London day is 23:59:59.999999 UTC
    return datetime(y, mo, d, 23, 59, 59, 999999, tzinfo=UTC)


def _offender(services, world, surname="Response"):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname=surname, forenames="Ray", date_of_birth=date(1979, 3, 3),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _relationship(services, world, oid, children=("Amy, 7",)):
    return safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Carol Partner", kind="partner", has_children=True, access_to_children=True,
        children=children))


def _parts(services, world, oid, now=None):
    open_case(services, world.om, oid)
    [response] = safeguarding.safeguarding_for(services, world.om, oid, now).responses
    return response, {p.part: p for p in response.parts}


def _next_due(services, oid):
    with services.session_factory() as s:
        return s.get(m.Offender, oid).next_safeguarding_due


def test_a_relationship_with_access_to_a_child_opens_all_three_parts_with_their_due_times(services, world, clock):
    oid = _offender(services, world)  # Wednesday 25/11/2026 10:00
    rel = _relationship(services, world, oid, children=("Amy, 7", "Ben, 4"))
    response, parts = _parts(services, world, oid)
    assert response.referral_id == rel.referral_prompt_id and response.origin == "relationship"
    assert [p.part for p in response.parts] == ["safeguarding_referral", "disclosure", "child_safety_check",
                                                "child_safety_check"]
    assert parts["safeguarding_referral"].clock.due_at == _end_of(2026, 11, 25)  # the same working day
    assert parts["disclosure"].clock.due_at == _end_of(2026, 11, 26)             # 1 working day
    checks = [p for p in response.parts if p.part == "child_safety_check"]
    assert [c.title for c in checks] == ["Child safety check: Amy, 7", "Child safety check: Ben, 4"]
    assert all(c.clock.due_at == _end_of(2026, 11, 26) and c.owner == world.om.display_name for c in checks)
    assert all(p.clock.state is PartState.OPEN for p in response.parts)
    assert _next_due(services, oid) == _end_of(2026, 11, 25)

    # Referral made: the next due is the disclosure and checks'; the check done, it stays theirs.
    safeguarding.record_referral(services, world.om, response.referral_id, response.version_id,
                                 clock.now() - timedelta(hours=1), "Northshire MASH", "M-19", sent_method="phone")
    assert _next_due(services, oid) == _end_of(2026, 11, 26)
    safeguarding.record_child_check(services, world.om, checks[0].id, checks[0].version_id, "safe",
                                    clock.now(), None)
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_child_check(services, world.om, checks[1].id, checks[1].version_id, "concern",
                                        clock.now(), "")
    assert err.value.for_field("result_notes")
    safeguarding.record_disclosure_decision(services, world.om, parts["disclosure"].id,
                                            parts["disclosure"].version_id, "disclose", DECISION,
                                            world.om.user_id, "Carol Partner, the mother", clock.now())
    _, parts = _parts(services, world, oid)
    assert parts["disclosure"].clock.state is PartState.DONE and parts["disclosure"].sign_off_status == "pending"
    safeguarding.record_child_check(services, world.om, checks[1].id, checks[1].version_id, "safe", clock.now())
    assert _next_due(services, oid) is None


def test_each_part_escalates_when_overdue_across_a_weekend_and_a_bank_holiday(services, world, clock):
    clock.current = datetime(2026, 12, 24, 14, 0, tzinfo=UTC)  # Thursday, Christmas Eve
    oid = _offender(services, world)
    _relationship(services, world, oid)
    _, parts = _parts(services, world, oid)
    # Fri 25 and Mon 28 (substitute Boxing Day) are bank holidays: one working day on is Tue 29.
    assert parts["disclosure"].clock.due_at == parts["child_safety_check"].clock.due_at == _end_of(2026, 12, 29)

    clock.current = datetime(2026, 12, 29, 12, 0, tzinfo=UTC)  # due today: the owner is reminded
    mine = {r.what: r for r in reminders.scan(services, world.om).items if r.offender_id == oid}
    assert not mine["Child safety check"].overdue and mine["Child safety check"].due == date(2026, 12, 29)
    assert mine["Safeguarding referral"].overdue  # due by the end of Christmas Eve
    supervisor = {r.what for r in reminders.scan(services, world.supervisor).items if r.offender_id == oid}
    assert "Child safety check" not in supervisor and "s.327A disclosure decision" not in supervisor
    assert "Safeguarding referral" in supervisor

    clock.current = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)  # Wednesday: both overdue
    for actor in (world.om, world.supervisor):
        got = {r.what: r for r in reminders.scan(services, actor).items if r.offender_id == oid}
        for what in ("Safeguarding referral", "s.327A disclosure decision", "Child safety check"):
            assert got[what].overdue and got[what].section == "safeguarding", (actor.username, what)
        escalated = got["Child safety check"].detail.startswith("escalated")
        assert escalated is (actor is world.supervisor)
        assert world.om.display_name in got["Child safety check"].detail or actor is world.om
    [row] = [r for r in caseload.list_caseload(services, world.om, CaseloadScope.MINE) if r.offender_id == oid]
    assert "Safeguarding overdue" in row.flags
    _, parts = _parts(services, world, oid)
    assert parts["child_safety_check"].clock.state is PartState.OVERDUE
    assert parts["child_safety_check"].clock.late_by == timedelta(hours=9, microseconds=1)


def test_not_applicable_needs_a_reasoned_entry_and_goes_to_sign_off(services, world, clock):
    oid = _offender(services, world)
    _relationship(services, world, oid, children=("Niece, abroad",))
    _, parts = _parts(services, world, oid)
    check = parts["child_safety_check"]
    for weak in ("", "Not needed", "seen"):
        with pytest.raises(ValidationFailed) as err:
            safeguarding.record_not_applicable(services, world.om, "child_safety_check", check.id,
                                               check.version_id, weak)
        assert err.value.for_field("not_applicable_reason")
    safeguarding.record_not_applicable(services, world.om, "child_safety_check", check.id, check.version_id,
                                       NOT_NEEDED)
    _, parts = _parts(services, world, oid)
    assert parts["child_safety_check"].clock.state is PartState.NOT_APPLICABLE
    assert parts["child_safety_check"].not_applicable_reason == NOT_NEEDED
    assert parts["child_safety_check"].sign_off_status == "pending"
    assert _next_due(services, oid) == _end_of(2026, 11, 25)  # the referral is still open

    # The supervisor disagrees: returned, the check is back on its clock.
    [item] = [q for q in supervision.queue_for(services, world.supervisor) if q.offender_id == oid]
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.RETURN,
                         RETURN)
    _, parts = _parts(services, world, oid)
    assert parts["child_safety_check"].clock.state is PartState.OPEN
    assert parts["child_safety_check"].not_applicable_reason is None


def test_a_warning_that_raises_concern_pulls_the_visit_forward_and_adds_a_risk_review(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:  # visited last week: next due a month after
        s.add(m.Visit(offender_id=oid, kind="home", status="completed", outcome="seen",
                      visited_at=datetime(2026, 11, 20, 10, tzinfo=UTC), created_at=clock.now()))
    with services.session_factory.begin() as s:
        case_summary.refresh(s, oid, clock.today())
    before = caseload.reload_record(services, world.om, oid).next_visit_due
    reason = ("He deleted his browsing history the night before the device check, after being told at the last "
              "visit that history must be kept; a first written warning is proportionate.")
    breaches.give_warning(services, world.om, oid, WarningInput(kind="oral", rationale=reason,
                                                                given_on=clock.today(), concern_kind="other"))
    assert caseload.reload_record(services, world.om, oid).next_visit_due == before  # "other": not by default
    w = breaches.give_warning(services, world.om, oid, WarningInput(
        kind="oral", rationale=reason, given_on=clock.today(), concern_kind="internet_history"))
    after = caseload.reload_record(services, world.om, oid).next_visit_due
    assert after < before
    with services.session_factory() as s:
        assert s.get(m.FormalWarning, w.warning_id).raises_concern
        actions = s.scalars(select(m.Action.description).where(m.Action.offender_id == oid)).all()
        assert any("Review the risk assessment" in a and "internet" in a for a in actions)
        assert s.scalar(select(m.SafeguardingReferral.id).where(m.SafeguardingReferral.offender_id == oid)) is None

    breaches.give_warning(services, world.om, oid, WarningInput(
        kind="oral", rationale=reason, given_on=clock.today(), concern_kind="contact_with_children",
        children=("Partner's daughter, 9",)))
    response, parts = _parts(services, world, oid)
    assert response.origin == "warning" and parts["child_safety_check"].title.endswith("Partner's daughter, 9")
    with pytest.raises(ValidationFailed) as err:
        breaches.give_warning(services, world.om, oid, WarningInput(kind="oral", rationale=reason,
                                                                    given_on=clock.today(), raises_concern=True))
    assert err.value.for_field("concern_kind")


def test_intelligence_marking_a_child_concern_and_a_direct_concern_open_responses(services, world, clock):
    oid = _offender(services, world)
    got = case_log.add_intelligence(services, world.om, oid, case_log.IntelligenceInput(
        text="Seen collecting a girl of about ten from the primary school gates on two days",
        occurred_on=clock.today(), source_evaluation="1", intelligence_assessment="B", handling_code="P",
        child_concern=True, children=("Girl, about 10",)))
    assert got.referral_id is not None
    direct = safeguarding.record_concern(services, world.om, oid, "Neighbour reports children at the flat")
    open_case(services, world.om, oid)
    responses = safeguarding.safeguarding_for(services, world.om, oid).responses
    assert {r.origin for r in responses} == {"intelligence", "direct"}
    assert {r.referral_id for r in responses} == {got.referral_id, direct.id}
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_concern(services, world.om, oid, "Something", origin="rumour")
    assert err.value.for_field("origin")
