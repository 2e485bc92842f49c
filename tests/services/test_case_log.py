from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from rso_manager.domain.dates import add_working_days
from rso_manager.domain.intelligence_grading import FIVE_BY_FIVE_BY_FIVE
from rso_manager.domain.rationale import SignOffDecision
from rso_manager.persistence import models as m
from rso_manager.services import case_log, caseload, supervision, visits
from rso_manager.services.case_log import IntelligenceInput, LogFilter, NoteInput
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import NeedsReason, ValidationFailed
from rso_manager.services.safeguarding import RelationshipInput, record_relationship
from rso_manager.services.visits import VisitInput
from tests.opening import open_case

GRADED = IntelligenceInput(text="Seen with a phone he has not declared, outside the leisure centre",
                           occurred_on=date(2026, 11, 24), source_evaluation="2",
                           intelligence_assessment="B", handling_code="P")
RATIONALE = ("Checked the visit notes against the plan: both officers present, home address confirmed, "
             "devices examined and nothing of concern; the next visit stays as planned.")


def _offender(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Logcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def _later(clock, minutes=10):
    clock.current = clock.current + timedelta(minutes=minutes)


def _case_with_history(services, world, clock):
    """A note, a visit (sent for sign-off, then signed), a relationship, intelligence, a void."""
    oid = _offender(services, world)
    note = case_log.add_case_note(services, world.om, oid, NoteInput("Phoned about the new job at the depot",
                                                                     date(2026, 11, 25)))
    _later(clock)
    visit = visits.record_visit(services, world.om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id), notes="Tidy flat, laptop examined",
        kind="office", override_reason="offender asked to attend after surgery"))
    assert visit.sign_off_id is not None  # an office interview in place of a home visit is signed off
    _later(clock)
    relationship = record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Dee Friend", kind="friend", from_date=date(2026, 11, 1)))
    _later(clock)
    intel = case_log.add_intelligence(services, world.om, oid, GRADED)
    _later(clock)
    return oid, note, visit, relationship, intel


def test_the_log_is_one_timeline_newest_first(services, world, clock):
    oid, note, visit, relationship, intel = _case_with_history(services, world, clock)
    lines = case_log.case_log_for(services, world.om, oid)
    moments = [line.at for line in lines]
    assert moments == sorted(moments, reverse=True)
    kinds = [line.kind for line in lines]
    assert set(kinds[:2]) == {"intelligence", "visit_trigger"}  # the intelligence and its trigger, at once
    assert {"case_note", "intelligence", "visit", "relationship", "visit_trigger"} <= set(kinds)
    first_intel = next(line for line in lines if line.kind == "intelligence")
    assert (first_intel.entity, first_intel.entity_id, first_intel.part) == ("case_note", intel.note_id, "case_log")
    assert "graded 2/B/P" in first_intel.summary and "phone" in first_intel.summary
    assert first_intel.by == "Olly Manager"
    the_note = next(line for line in lines if line.kind == "case_note")
    assert the_note.entity_id == note and the_note.on == date(2026, 11, 25)
    the_visit = next(line for line in lines if line.kind == "visit")
    # The record's own summary of the kind is the log's, and the line opens the Visits part.
    record = caseload.reload_record(services, world.om, oid)
    assert the_visit.summary == record.sections["visits"][0].summary
    assert (the_visit.entity_id, the_visit.part) == (visit.visit_id, "visits")
    assert next(line for line in lines if line.kind == "relationship").part == "relationships"


def test_sign_offs_corrections_and_entered_in_error(services, world, clock):
    oid, note, visit, _rel, _intel = _case_with_history(services, world, clock)
    lines = case_log.case_log_for(services, world.om, oid, LogFilter(kinds=frozenset({"sign_off"})))
    asked = [line for line in lines if line.summary.startswith("Sign-off asked for")]
    assert len(asked) == 1 and asked[0].by == "Olly Manager" and asked[0].part == "visits"
    assert (asked[0].entity, asked[0].entity_id) == ("visit", visit.visit_id)
    assert asked[0].status.startswith("waiting")
    item = next(i for i in supervision.queue_for(services, world.lead) + supervision.queue_for(services, world.supervisor2)
                if i.sign_off_id == visit.sign_off_id)
    _later(clock)
    supervision.sign_off(services, world.lead, item.sign_off_id, item.version_id, SignOffDecision.APPROVE, RATIONALE)
    decided = case_log.case_log_for(services, world.om, oid, LogFilter(kinds=frozenset({"sign_off"})))
    assert [line.summary[:10] for line in decided] == ["Signed off", "Sign-off a"]
    assert decided[0].by == "Lee Lead" and RATIONALE[:30] in decided[0].summary

    # A correction of the personal details keeps a revision: one "Corrected" line.
    record = caseload.reload_record(services, world.om, oid)
    _later(clock)
    caseload.correct_offender(services, world.om, oid, record.version_id,
                              replace(record.details, forenames="Alfie"), "Forename misspelt at registration")
    # Marking the note entered in error: struck on its own line, and a line for the marking.
    row = caseload.reload_record(services, world.om, oid)
    _later(clock)
    with services.session_factory() as s:
        version = s.get(m.CaseNote, note).version_id
    caseload.void_entry(services, world.om, "case_note", note, version, "Recorded on the wrong case")
    lines = case_log.case_log_for(services, world.om, oid)
    corrections = [line for line in lines if line.kind == "correction"]
    assert [line.summary for line in corrections] == [
        "Corrected the personal details: Forename misspelt at registration"]
    assert corrections[0].part == "identity" and row.details.forenames == "Alfie"
    mark = lines[0]
    assert mark.kind == "entered_in_error" and mark.entered_in_error
    assert "Recorded on the wrong case" in mark.summary and "Phoned about the new job" in mark.summary
    struck = next(line for line in lines if line.kind == "case_note")
    assert struck.entered_in_error and struck.status == "Entered in error"
    only_voids = case_log.case_log_for(services, world.om, oid, LogFilter(kinds=frozenset({"entered_in_error"})))
    assert [line.kind for line in only_voids] == ["entered_in_error"]


def test_filters_by_kind_date_and_text(services, world, clock):
    oid = _offender(services, world)
    case_log.add_case_note(services, world.om, oid, NoteInput("Called at the hostel, not in", date(2026, 11, 25)))
    clock.current = datetime(2026, 12, 2, 10, tzinfo=UTC)
    open_case(services, world.om, oid)  # a new day, a new opening
    case_log.add_case_note(services, world.om, oid, NoteInput("Hostel manager says he moved out", date(2026, 12, 2)))
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    open_case(services, world.om, oid)
    case_log.add_intelligence(services, world.om, oid, replace(GRADED, occurred_on=date(2026, 12, 3)))

    def log(**kw):
        return [line.summary for line in case_log.case_log_for(services, world.om, oid, LogFilter(**kw))]

    assert log(kinds=frozenset({"case_note"})) == ["Case note: Hostel manager says he moved out",
                                                    "Case note: Called at the hostel, not in"]
    assert [s[:12] for s in log(kinds=frozenset({"intelligence"}))] == ["Intelligence"]
    assert log(kinds=frozenset({"case_note"}), since=date(2026, 12, 1)) == ["Case note: Hostel manager says he moved out"]
    assert log(kinds=frozenset({"case_note"}), until=date(2026, 11, 30)) == ["Case note: Called at the hostel, not in"]
    assert log(since=date(2026, 12, 2), until=date(2026, 12, 2)) == ["Case note: Hostel manager says he moved out"]
    # Text is matched in what was written, whatever its case; % and _ are only letters.
    assert len(log(text="HOSTEL")) == 2
    assert log(text="moved out") == ["Case note: Hostel manager says he moved out"]
    assert log(text="100%") == [] and log(text="hostel_") == []  # unescaped, "hostel," would match
    assert [line.kind for line in case_log.case_log_for(services, world.om, oid, LogFilter(text="leisure centre"))] \
        == ["intelligence"]


def test_intelligence_is_graded_and_bad_grades_refused(services, world):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed) as err:
        case_log.add_intelligence(services, world.om, oid, replace(GRADED, source_evaluation=None,
                                                                   intelligence_assessment="F", handling_code=""))
    assert "Choose the source evaluation (1, 2, 3)" in err.value.for_field("source_evaluation")
    assert "A, B, C, D, E" in err.value.for_field("intelligence_assessment")
    assert "handling code" in err.value.for_field("handling_code")
    with pytest.raises(ValidationFailed) as err:
        case_log.add_intelligence(services, world.om, oid, replace(GRADED, text=" ", occurred_on=None))
    assert err.value.for_field("text") and err.value.for_field("occurred_on")
    with pytest.raises(ValidationFailed) as err:
        case_log.add_case_note(services, world.om, oid, NoteInput("", date(2030, 1, 1)))
    assert err.value.for_field("text") and "future" in err.value.for_field("occurred_on")
    with services.session_factory() as s:
        assert s.scalars(select(m.CaseNote).where(m.CaseNote.offender_id == oid)).all() == []

    result = case_log.add_intelligence(services, world.om, oid, GRADED)
    with services.session_factory() as s:
        row = s.get(m.CaseNote, result.note_id)
        assert (row.kind, row.source_evaluation, row.intelligence_assessment, row.handling_code) == (
            "intelligence", "2", "B", "P")


def test_a_force_on_5x5x5_grades_with_its_own_codes(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:
        import json
        s.add(m.Setting(key="intelligence_grading", value_json=json.dumps(FIVE_BY_FIVE_BY_FIVE.as_setting()),
                        created_at=clock.now()))
    assert case_log.intelligence_scheme(services, world.om).name == "5x5x5"
    with pytest.raises(ValidationFailed) as err:
        case_log.add_intelligence(services, world.om, oid, GRADED)  # 3x5x2 codes: 2 / B / P
    assert "5x5x5" in err.value.for_field("source_evaluation")
    assert case_log.add_intelligence(services, world.om, oid, replace(
        GRADED, source_evaluation="B", intelligence_assessment="2", handling_code="4")).note_id


def test_intelligence_triggers_the_existing_visit_and_risk_review_rule(services, world, clock):
    """The existing rule (case_events.record_trigger): an intelligence trigger (R16), which brings the
    next home visit forward within the trigger period."""
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="ARMS", level="low", assessed_on=date(2026, 11, 20))
    visits.record_visit(services, world.om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    assert open_case(services, world.om, oid).next_visit_due == date(2027, 11, 25)
    clock.current = datetime(2026, 12, 22, 10, tzinfo=UTC)
    result = case_log.add_intelligence(services, world.om, oid, replace(GRADED, occurred_on=date(2026, 12, 22)))
    assert result.next_visit_due == add_working_days(date(2026, 12, 22), 10) == date(2027, 1, 8)
    with services.session_factory() as s:
        trigger = s.scalars(select(m.VisitTrigger).where(m.VisitTrigger.offender_id == oid,
                                                         m.VisitTrigger.kind == "intelligence")).one()
    assert (trigger.kind, trigger.source_entity, trigger.source_id) == ("intelligence", "case_note", result.note_id)
    # A plain case note is not intelligence: nothing is brought forward.
    case_log.add_case_note(services, world.om, oid, NoteInput("Rang to rearrange", date(2026, 12, 22)))
    assert open_case(services, world.om, oid).next_visit_due == date(2027, 1, 8)


def test_reading_the_log_needs_an_opening_and_one_query_per_kind(services, world, clock):
    oid, *_ = _case_with_history(services, world, clock)
    with pytest.raises(NeedsReason):
        case_log.case_log_for(services, world.supervisor, oid)
    open_case(services, world.supervisor, oid, text="Monthly supervision of the case")
    for _ in range(5):  # more rows must not mean more queries
        case_log.add_case_note(services, world.om, oid, NoteInput("Another call", date(2026, 11, 25)))
    statements = []
    engine = services.session_factory.kw["bind"]

    def count(*_args):
        statements.append(_args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        lines = case_log.case_log_for(services, world.supervisor, oid)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(lines) > 10
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    kinds = len(m.CASE_ENTRY_MODELS)
    # Each kind once, sign-offs, revisions, names, and the opening's checks.
    assert len(reads) <= kinds + 12, len(reads)
