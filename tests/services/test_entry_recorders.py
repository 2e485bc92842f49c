"""Issue #14, item 2 (follow-ups): who recorded an action, a relationship and a visit, and when,
read in the queries that list them; every risk assessment and plan read back for its pane."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from rso_manager.domain.rationale import SignOffDecision
from rso_manager.persistence import models as m
from rso_manager.services import caseload, safeguarding, supervision, visits
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import NeedsReason
from rso_manager.services.safeguarding import RelationshipInput
from tests.opening import open_case

RATIONALE = ("Read the assessment against the last two visits and the notifications: the level is "
             "supported by the evidence and the review date is within the policy interval.")


def _offender(services, world):
    """A case of Olly's, which the supervisor has opened too."""
    oid = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Testcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id
    open_case(services, world.supervisor, oid)
    return oid


def _later(clock, minutes=10):
    clock.current = clock.current + timedelta(minutes=minutes)


def _selects(services, read):
    """What READ returns, and how many SELECTs it took."""
    statements: list[str] = []
    engine = services.session_factory.kw["bind"]

    def count(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = read()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return result, sum(1 for sql in statements if sql.lstrip().upper().startswith("SELECT"))


def test_an_action_says_who_recorded_it_and_when_in_every_reader(services, world, clock):
    oid = _offender(services, world)
    today = clock.today()
    added = safeguarding.add_action(services, world.supervisor, oid, "Speak to the school", world.om.user_id,
                                    today + timedelta(days=3))
    assert (added.recorded_by, added.recorded_at) == ("Sam Supervisor", clock.now())
    at = clock.now()
    _later(clock)
    done = safeguarding.record_action_result(services, world.om, added.id, added.version_id, "Spoke to the head",
                                             clock.today())
    assert (done.recorded_by, done.recorded_at) == ("Sam Supervisor", at)  # the result is not the recording
    [listed] = safeguarding.actions_for(services, world.om, oid)
    assert (listed.owner, listed.recorded_by, listed.recorded_at) == ("Olly Manager", "Sam Supervisor", at)
    late = safeguarding.add_action(services, world.om, oid, "Check the shed", world.om.user_id, today)
    [overdue] = safeguarding.overdue_actions(services, world.om, today + timedelta(days=1), offender_id=oid)
    assert (overdue.id, overdue.recorded_by) == (late.id, "Olly Manager")


def test_an_action_imported_without_a_recorder_is_still_listed(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:
        s.add(m.Action(offender_id=oid, description="From the old system", owner_id=world.om.user_id,
                       due_on=clock.today() + timedelta(days=1), created_at=clock.now()))
    [listed] = safeguarding.actions_for(services, world.om, oid)
    assert listed.description == "From the old system" and listed.recorded_by is None


def test_readers_name_the_recorder_without_a_query_per_row(services, world, clock):
    oid = _offender(services, world)
    for i in range(2):
        safeguarding.add_action(services, world.om, oid, f"Action {i}", world.om.user_id,
                                clock.today() + timedelta(days=1))
        safeguarding.record_relationship(services, world.om, oid, RelationshipInput(person_name=f"Friend {i}",
                                                                                    kind="friend"))
    _few, few_actions = _selects(services, lambda: safeguarding.actions_for(services, world.om, oid))
    _few, few_rels = _selects(services, lambda: safeguarding.relationships_for(services, world.om, oid))
    for i in range(5):
        safeguarding.add_action(services, world.supervisor, oid, f"More {i}", world.om.user_id,
                                clock.today() + timedelta(days=1))
        safeguarding.record_relationship(services, world.supervisor, oid, RelationshipInput(
            person_name=f"Associate {i}", kind="associate"))
    actions, many_actions = _selects(services, lambda: safeguarding.actions_for(services, world.om, oid))
    rels, many_rels = _selects(services, lambda: safeguarding.relationships_for(services, world.om, oid))
    assert len(actions) == 7 and len(rels) == 7
    assert (many_actions, many_rels) == (few_actions, few_rels)
    assert {a.recorded_by for a in actions} == {"Olly Manager", "Sam Supervisor"}
    assert [r.recorded_by for r in rels][:2] == ["Sam Supervisor", "Sam Supervisor"]  # newest first
    assert rels[-1].recorded_by == "Olly Manager" and rels[-1].recorded_at is not None


def test_a_relationship_recorded_on_another_record_does_not_say_who_recorded_it(services, world, clock):
    oid = _offender(services, world)
    other = _offender(services, world)
    reference = caseload.reload_record(services, world.om, oid).reference
    safeguarding.record_relationship(services, world.om, other, RelationshipInput(
        person_name="", kind="associate", linked_reference=reference))
    [theirs] = safeguarding.relationships_for(services, world.om, oid)
    assert theirs.recorded_on is not None and theirs.recorded_by is None and theirs.recorded_at is None


def test_a_visit_says_who_recorded_it_and_when(services, world, clock):
    oid = _offender(services, world)
    visited = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    _later(clock)
    result = visits.record_visit(services, world.supervisor, visits.VisitInput(
        oid, visited, "seen", officer_ids=(world.om.user_id, world.supervisor.user_id)))
    detail = visits.visit_details(services, world.om, oid)[result.visit_id]
    assert (detail.recorded_by, detail.recorded_at) == ("Sam Supervisor", clock.now())


def test_risk_plan_history_reads_every_assessment_and_plan_newest_first(services, world, clock):
    oid = _offender(services, world)
    today = clock.today()
    first = visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="medium",
                                          assessed_on=today - timedelta(days=60), notes="Stable at home")
    plan_one = visits.set_plan(services, world.om, oid, visit_interval_months=3, effective_from=today - timedelta(days=50),
                               supervision="Fortnightly appointments")
    _later(clock)
    second = visits.record_risk_assessment(services, world.supervisor, oid, tool="ARMS", level="high",
                                           assessed_on=today - timedelta(days=2))
    plan_two = visits.set_plan(services, world.supervisor, oid, visit_interval_months=12,
                               supervision="Monthly appointments", victim_safety="Marker on her address",
                               reason="Stable for two years; the partner's address is marked")
    assert plan_two.needs_sign_off and not plan_one.needs_sign_off
    item = next(i for i in supervision.queue_for(services, world.supervisor)
                if (i.entity, i.entity_id) == ("risk_assessment", first))
    _later(clock)
    supervision.sign_off(services, world.supervisor, item.sign_off_id, item.version_id, SignOffDecision.APPROVE,
                         RATIONALE)

    history = visits.risk_plan_history(services, world.om, oid)
    assert [a.assessment_id for a in history.assessments] == [second, first]
    newest, oldest = history.assessments
    assert (newest.tool, newest.level, newest.assessed_on, newest.current) == ("ARMS", "high",
                                                                               today - timedelta(days=2), True)
    assert newest.assessor == "Sam Supervisor" and newest.recorded_by == "Sam Supervisor"
    assert newest.sign_off.status == "pending"
    assert (oldest.current, oldest.assessor, oldest.notes) == (False, "Olly Manager", "Stable at home")
    assert (oldest.sign_off.status, oldest.sign_off.by) == ("approved", "Sam Supervisor")
    assert oldest.sign_off.at == clock.now() and oldest.sign_off.rationale == RATIONALE

    assert [p.plan_id for p in history.plans] == [plan_two.plan_id, plan_one.plan_id]
    current, earlier = history.plans
    assert (current.current, current.visit_interval_months, current.supervision, current.victim_safety) == (
        True, 12, "Monthly appointments", "Marker on her address")
    assert current.written_by == "Sam Supervisor" and current.sign_off.status == "pending"
    assert (earlier.current, earlier.effective_from, earlier.written_by) == (False, today - timedelta(days=50),
                                                                             "Olly Manager")
    assert earlier.sign_off.status == "none" and earlier.sign_off.by is None


def test_risk_plan_history_leaves_out_entries_in_error_and_needs_an_opening(services, world, clock):
    oid = _offender(services, world)
    wrong = visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="low",
                                          assessed_on=clock.today())
    record = caseload.reload_record(services, world.om, oid)
    entry = next(e for e in record.sections["risk"] if e.entity == "risk_assessment" and e.id == wrong)
    caseload.void_entry(services, world.om, "risk_assessment", wrong, entry.version_id, "Recorded on another offender's record")
    history = visits.risk_plan_history(services, world.om, oid)
    assert history.assessments == () and history.plans == ()
    with pytest.raises(NeedsReason):  # a supervisor who has not opened the record
        visits.risk_plan_history(services, world.supervisor2, oid)
