from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from rso_manager.domain.safeguarding_clocks import CsodsStage, ReferralFlag
from rso_manager.persistence import models as m
from rso_manager.services import case_summary, caseload, safeguarding, supervision
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.errors import ValidationFailed
from rso_manager.services.safeguarding import DisclosureInput, RelationshipInput
from tests.opening import open_case

REASONS = ("The new partner has two children under ten living with her; his offending was against a "
           "child of a previous partner, so the presumption to disclose applies and no reason outweighs it.")


def _at(y, mo, d, h=10, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=UTC)  # winter: London time is UTC


def _offender(services, world):
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Testcase", forenames="Alpha", date_of_birth=date(1980, 1, 1),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def test_new_relationship_with_access_to_children_prompts_referral_and_pulls_visit(services, world, clock):
    oid = _offender(services, world)
    with services.session_factory.begin() as s:  # a home visit last week: next due a month after it
        s.add(m.Visit(offender_id=oid, kind="home", status="completed", outcome="seen",
                      visited_at=_at(2026, 11, 20), created_at=clock.now()))
        s.flush()
        case_summary.refresh(s, oid, clock.today())
    before = caseload.reload_record(services, world.om, oid).next_visit_due
    assert before == date(2026, 12, 20)

    plain = safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Bob Friend", kind="friend", from_date=date(2026, 11, 1)))
    assert plain.referral_prompt_id is None
    assert caseload.reload_record(services, world.om, oid).next_visit_due == before

    rel = safeguarding.record_relationship(services, world.om, oid, RelationshipInput(
        person_name="Carol Partner", kind="partner", has_children=True, access_to_children=True,
        from_date=date(2026, 11, 1)))
    assert rel.referral_prompt_id is not None
    after = caseload.reload_record(services, world.om, oid).next_visit_due
    assert after == rel.next_visit_due == date(2026, 12, 9)  # 10 working days from today
    view = safeguarding.safeguarding_for(services, world.om, oid)
    prompt = next(r for r in view.referrals if r.id == rel.referral_prompt_id)
    assert "Carol Partner" in prompt.concern and prompt.referred_at is None
    assert prompt.relationship_id == rel.relationship_id

    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_relationship(services, world.om, oid, RelationshipInput(person_name=" ", kind="pal"))
    assert err.value.for_field("person_name") and err.value.for_field("kind")


def test_referral_decision_clock_across_bank_holiday_weekend(services, world, clock):
    clock.current = _at(2026, 12, 24, 16)  # Thursday, Christmas Eve
    oid = _offender(services, world)
    concern = safeguarding.record_concern(services, world.om, oid, "Seen with a child at the park", _at(2026, 12, 24, 14))
    with pytest.raises(ValidationFailed, match="future"):
        safeguarding.record_referral(services, world.om, concern.id, concern.version_id, _at(2026, 12, 24, 17),
                                     "Northshire MASH", "M-1", sent_method="phone")
    ref = safeguarding.record_referral(services, world.om, concern.id, concern.version_id, _at(2026, 12, 24, 15),
                                       "Northshire MASH", "M-1", sent_method="phone")
    assert ref.referred_by == world.om.display_name
    assert ref.decision_due == datetime(2026, 12, 29, 23, 59, 59, 999999, tzinfo=UTC)

    # Fri 25 and Mon 28 (substitute Boxing Day) are bank holidays: the working day is Tue 29.
    late_29th = _at(2026, 12, 29, 23, 30)
    view = safeguarding.safeguarding_for(services, world.om, oid, late_29th)
    assert view.referrals[0].flag is None and not view.referrals[0].not_referred_same_day
    assert safeguarding.safeguarding_exceptions(services, world.lead, late_29th) == []

    morning_30th = _at(2026, 12, 30, 9)
    view = safeguarding.safeguarding_for(services, world.om, oid, morning_30th)
    assert view.referrals[0].flag is ReferralFlag.DECISION_OVERDUE
    assert any("no decision" in line for line in view.flags)
    [exc] = safeguarding.safeguarding_exceptions(services, world.lead, morning_30th, team_id=world.team_id)
    assert (exc.entity_id, exc.problem) == (concern.id, "No decision on referral within 1 working day")
    assert safeguarding.safeguarding_exceptions(services, world.lead, morning_30th, team_id=world.team2_id) == []

    clock.current = morning_30th
    decided = safeguarding.record_referral_decision(services, world.om, concern.id, ref.version_id, "Strategy discussion",
                                                    morning_30th)
    assert decided.flag is ReferralFlag.DECISION_LATE
    assert decided.concern_to_referral == timedelta(hours=1)


def test_concern_without_referral_the_same_day(services, world, clock):
    oid = _offender(services, world)
    concern = safeguarding.record_concern(services, world.om, oid, "Messages to a 14-year-old found on a visit")
    same_evening = _at(2026, 11, 25, 23)
    assert not safeguarding.safeguarding_for(services, world.om, oid, same_evening).referrals[0].not_referred_same_day
    next_day = _at(2026, 11, 26, 9)
    view = safeguarding.safeguarding_for(services, world.om, oid, next_day)
    assert view.referrals[0].not_referred_same_day and "refer it now" in view.flags[0]
    [exc] = safeguarding.safeguarding_exceptions(services, world.lead, next_day)
    assert exc.problem == "Concern not referred to children's social care"

    clock.current = next_day
    safeguarding.record_referral(services, world.om, concern.id, concern.version_id, next_day, "Northshire MASH", None,
                                 sent_method="phone")
    assert safeguarding.safeguarding_exceptions(services, world.lead, next_day) == []
    # Still a late referral on the record, and its delay is measured (a new day: a new opening).
    open_case(services, world.om, oid)
    ref = safeguarding.safeguarding_for(services, world.om, oid, next_day).referrals[0]
    assert ref.not_referred_same_day and ref.concern_to_referral == timedelta(hours=23)


def test_disclosures_need_reasons_request_sign_off_and_run_csods_clocks(services, world, clock):
    oid = _offender(services, world)
    concern = safeguarding.record_concern(services, world.om, oid, "New partner has two young children",
                                          _at(2026, 11, 24, 9))
    safeguarding.record_referral(services, world.om, concern.id, concern.version_id, _at(2026, 11, 24, 11),
                                 "Northshire MASH", "M-2", sent_method="secure_email")
    s327a = DisclosureInput(route="s327a", decided_by_id=world.supervisor.user_id, decision="disclose",
                            reasons="Agreed - NFA", disclosed_to="Carol Partner (mother)",
                            disclosed_at=_at(2026, 11, 25, 9), conditions="Not to share beyond her sister",
                            referral_id=concern.id)
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_disclosure(services, world.om, oid, s327a)
    assert "stock phrase" in err.value.for_field("reasons")
    d = safeguarding.record_disclosure(services, world.om, oid, replace(s327a, reasons=REASONS))
    assert d.sign_off_status == "pending" and d.decided_by == world.supervisor.display_name
    # Sam decided it, so he does not sign it off: it goes to the other team supervisor.
    assert supervision.queue_for(services, world.supervisor) == []
    queue = supervision.queue_for(services, world.supervisor2)
    assert [(i.entity, i.entity_id) for i in queue] == [("disclosure", d.id)]

    csods = safeguarding.record_disclosure(services, world.om, oid, DisclosureInput(
        route="csods", applied_at=_at(2026, 11, 2, 10), applicant="Dee Grandmother", checks_at=_at(2026, 11, 2, 15)))
    assert csods.overdue_stages == (CsodsStage.INTERVIEW,)  # 10 days ran out at the end of 12 Nov
    assert csods.deadlines.complete_by.date() == date(2026, 12, 17)
    problems = [(e.entity, e.problem) for e in safeguarding.safeguarding_exceptions(services, world.lead)]
    assert problems == [("disclosure", "Disclosure scheme interview overdue")]
    view = safeguarding.safeguarding_for(services, world.om, oid)
    assert view.referrals[0].concern_to_disclosure == timedelta(hours=24)
    updated = safeguarding.update_disclosure(services, world.om, csods.id, csods.version_id, DisclosureInput(
        route="csods", applied_at=_at(2026, 11, 2, 10), applicant="Dee Grandmother", checks_at=_at(2026, 11, 2, 15),
        interview_at=_at(2026, 11, 20, 10), decided_by_id=world.lead.user_id, decision="not_disclose",
        reasons=REASONS.replace("presumption to disclose applies", "applicant has no contact with the children"),
        completed_at=_at(2026, 11, 25, 9)))
    assert updated.overdue_stages == () and updated.sign_off_status == "pending"


def test_timeliness_median_and_worst(services, world, clock):
    clock.current = _at(2026, 11, 26, 12)
    oid = _offender(services, world)
    a = safeguarding.record_concern(services, world.om, oid, "Concern A", _at(2026, 11, 25, 9))
    b = safeguarding.record_concern(services, world.om, oid, "Concern B", _at(2026, 11, 25, 10))
    safeguarding.record_concern(services, world.om, oid, "Concern C", _at(2026, 11, 25, 11))
    safeguarding.record_concern(services, world.om, oid, "Outside the period", _at(2026, 11, 26, 9))
    safeguarding.record_referral(services, world.om, a.id, a.version_id, _at(2026, 11, 25, 11), "MASH", None,
                                 sent_method="phone")
    safeguarding.record_referral(services, world.om, b.id, b.version_id, _at(2026, 11, 26, 10), "MASH", None,
                                 sent_method="phone")
    safeguarding.record_disclosure(services, world.om, oid, DisclosureInput(
        route="s327a", decided_by_id=world.supervisor.user_id, decision="disclose", reasons=REASONS,
        disclosed_to="Mother", disclosed_at=_at(2026, 11, 26, 9), referral_id=a.id))
    t = safeguarding.timeliness(services, world.lead, date(2026, 11, 25), date(2026, 11, 25))
    assert (t.concern_to_referral_median, t.concern_to_referral_worst) == (timedelta(hours=13), timedelta(hours=24))
    assert (t.concern_to_disclosure_median, t.concern_to_disclosure_worst) == (timedelta(hours=24), timedelta(hours=24))
    assert (t.concerns, t.not_yet_referred) == (3, 1)


def test_overdue_action_shows(services, world, clock):
    oid = _offender(services, world)
    with pytest.raises(ValidationFailed, match="already passed"):
        safeguarding.add_action(services, world.om, oid, "Speak to the school", world.om.user_id, date(2026, 11, 24))
    a = safeguarding.add_action(services, world.om, oid, "Speak to the school", world.om2.user_id, date(2026, 11, 30))
    assert safeguarding.overdue_actions(services, world.om, date(2026, 11, 30)) == []
    [late] = safeguarding.overdue_actions(services, world.om, date(2026, 12, 2), offender_id=oid)
    assert (late.id, late.owner, late.days_overdue, late.overdue) == (a.id, world.om2.display_name, 2, True)
    assert safeguarding.overdue_actions(services, world.om, date(2026, 12, 2), team_id=world.team2_id) == []

    clock.current = _at(2026, 12, 2)
    done = safeguarding.record_action_result(services, world.om, a.id, a.version_id, "School told; no concerns",
                                             date(2026, 12, 1))
    assert done.completed_on == date(2026, 12, 1) and not done.overdue
    assert safeguarding.overdue_actions(services, world.om, date(2026, 12, 2)) == []


def test_a_relationship_links_to_another_record_and_both_records_show_it(services, world):
    a = _offender(services, world)
    b = caseload.create_offender(services, world.om, OffenderDraft(
        surname="Cooffender", forenames="Bea", date_of_birth=date(1982, 2, 2),
        offender_manager_id=world.om.user_id, team_id=world.team_id))
    rel = safeguarding.record_relationship(services, world.om, a, RelationshipInput(
        kind="associate", linked_reference=b.reference.lower(), notes="Met in custody"))

    mine = safeguarding.relationships_for(services, world.om, a)
    assert [v.id for v in mine] == [rel.relationship_id]
    assert mine[0].person_name == "Bea COOFFENDER"  # the other record's name when none is typed
    assert mine[0].linked == safeguarding.LinkedCase(b.offender_id, b.reference, "COOFFENDER, Bea",
                                                     world.om.display_name)
    assert mine[0].recorded_on is None

    theirs = safeguarding.relationships_for(services, world.om, b.offender_id)
    assert len(theirs) == 1 and theirs[0].id == rel.relationship_id
    assert theirs[0].recorded_on is not None and theirs[0].recorded_on.offender_id == a
    assert theirs[0].person_name == "TESTCASE, Alpha" and theirs[0].kind == "associate"
    assert theirs[0].notes == "Met in custody" and not theirs[0].withheld
    with services.session_factory() as s:
        audit = s.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "entry.create",
                                                     m.AuditEvent.entity == "relationship")).all()[-1]
        assert b.reference in audit.details_json


def test_a_linked_record_outside_the_link_shows_only_its_reference_name_and_manager(services, world):
    a = _offender(services, world)  # a North case
    south = caseload.create_offender(services, world.om2, OffenderDraft(
        surname="Southcase", forenames="Cal", date_of_birth=date(1979, 3, 3),
        offender_manager_id=world.om2.user_id, team_id=world.team2_id))
    safeguarding.record_relationship(services, world.om, a, RelationshipInput(
        person_name="Cal", kind="friend", has_children=True, linked_reference=south.reference,
        notes="Seen together at the station"))

    # om2 reads the South record: the North record is outside their link.
    [view] = safeguarding.relationships_for(services, world.om2, south.offender_id)
    assert view.recorded_on is not None and view.recorded_on.reference.startswith("RSO-")
    assert view.recorded_on.offender_manager == world.om.display_name
    assert view.withheld and view.notes is None and not view.has_children
    assert view.referral_state is None


def test_a_link_needs_a_record_that_exists_and_is_not_this_one(services, world):
    a = _offender(services, world)
    own = caseload.reload_record(services, world.om, a).reference
    for reference, words in (("RSO-999999", "No record has"), (own, "own reference")):
        with pytest.raises(ValidationFailed) as err:
            safeguarding.record_relationship(services, world.om, a, RelationshipInput(
                kind="associate", linked_reference=reference))
        assert words in err.value.for_field("linked_reference")
    with pytest.raises(ValidationFailed) as err:
        safeguarding.record_relationship(services, world.om, a, RelationshipInput(kind="associate"))
    assert "reference" in err.value.for_field("person_name")
