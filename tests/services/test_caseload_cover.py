"""An offender manager's absence names a covering officer: their cases' reminders go to that
officer while it runs, and that officer may write to the cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from rso_manager import reminders
from rso_manager.domain.roles import CaseloadScope, Link, Role
from rso_manager.persistence import models as m
from rso_manager.services import access, caseload, caseload_cover, supervision
from rso_manager.services.errors import NeedsReason, NotFound, PermissionDenied, ValidationFailed
from rso_manager.services.unit_of_work import unit_of_work
from tests.opening import open_case
from tests.services.test_transfers import _case, _officer


def _cover(services, actor, absent, cover, clock, days=5, reason="Annual leave"):
    today = clock.today()
    return caseload_cover.record_caseload_cover(services, actor, absent.user_id, cover.user_id, today,
                                                today + timedelta(days=days), reason)


def test_while_the_cover_runs_the_absent_officers_reminders_go_to_the_cover(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    case = _case(services, world.om, "Aldous")
    assert case.next_visit_due is not None
    assert reminders.scan(services, om3, days_ahead=30).items == ()

    cover = _cover(services, world.supervisor, world.om, om3, clock)
    assert (cover.user, cover.cover_user, cover.reason) == ("Olly Manager", "Otto Newman", "Annual leave")
    [visit] = [r for r in reminders.scan(services, om3, days_ahead=30).items if r.what == "Home visit"]
    assert visit.offender_id == case.offender_id and visit.covering_for == "Olly Manager"
    assert visit.text.endswith(f"({case.reference}), covering for Olly Manager")
    # The absent officer still has them for their return; others are unaffected.
    assert any(r.offender_id == case.offender_id for r in reminders.scan(services, world.om, days_ahead=30).items)
    assert all(not r.covering_for for r in reminders.scan(services, world.om, days_ahead=30).items)

    clock.current = clock.current + timedelta(days=6)  # the absence is over
    assert reminders.scan(services, om3, days_ahead=30).items == ()


def test_the_covering_officer_writes_to_the_absent_officers_cases(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    case = _case(services, world.om, "Aldous")
    _cover(services, world.supervisor, world.om, om3, clock)
    open_case(services, om3, case.offender_id)
    caseload.add_alias(services, om3, case.offender_id, "Al Dous")
    assert any(e.summary == "Alias: Al Dous"
               for e in caseload.reload_record(services, om3, case.offender_id).sections["identity"])


def test_the_cover_is_listed_and_recorded_as_an_absence(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    cover = _cover(services, world.supervisor, world.om, om3, clock)
    [listed] = caseload_cover.caseload_covers(services, world.supervisor)
    assert listed == cover
    assert [c.user for c in caseload_cover.caseload_covers(services, world.lead)] == ["Olly Manager"]
    assert caseload_cover.caseload_covers(services, world.supervisor, clock.today() + timedelta(days=6)) == []
    assert any(a.user == "Olly Manager" for a in supervision.absences_from(services, world.lead))
    choices = caseload_cover.caseload_cover_choices(services, world.supervisor)
    assert [o.name for o in choices.absentees] == ["Nat Newstarter", "Olly Manager", "Otto Newman"]
    assert "Nat Newstarter" not in {o.name for o in choices.covers}  # not trained


def test_who_may_cover_and_who_may_name_it(services, world, clock):
    om3 = _officer(services, clock, world.team_id)
    with pytest.raises(PermissionDenied):
        _cover(services, world.om, world.om, om3, clock)
    for absent, cover, field, words in (
            (world.om, world.untrained, "cover_user_id", "trained"),
            (world.om, world.om, "cover_user_id", "someone other"),
            (world.supervisor2, world.supervisor, "user_id", "Absences and cover"),
            (world.om2, world.om, "user_id", "your own team")):
        with pytest.raises(ValidationFailed) as err:
            _cover(services, world.supervisor, absent, cover, clock)
        assert words in err.value.for_field(field), (absent.username, cover.username)
    with pytest.raises(ValidationFailed) as err:
        caseload_cover.record_caseload_cover(services, world.supervisor, None, None, None, None, "")
    assert err.value.for_field("user_id") and err.value.for_field("cover_user_id")
    with pytest.raises(ValidationFailed) as err:
        caseload_cover.record_caseload_cover(services, world.supervisor, world.om.user_id, om3.user_id,
                                             date(2026, 12, 5), date(2026, 12, 1), "Leave")
    assert err.value.for_field("ends_on")
    # The OMU lead names cover in any team.
    om4 = _officer(services, clock, world.team2_id, name="Sid South", username="om4")
    assert _cover(services, world.lead, world.om2, om4, clock).cover_user == "Sid South"


# --- cover from another team ------------------------------------------------------------------


def _link(services, actor, offender_id):
    with unit_of_work(services, actor) as uow:
        return uow.link(offender_id)


def test_an_officer_in_another_team_covers_reads_writes_and_gets_the_reminders(services, world, clock):
    case = _case(services, world.om, "Aldous")
    assert _link(services, world.om2, case.offender_id) is Link.NONE
    cover = _cover(services, world.supervisor, world.om, world.om2, clock)  # om2 is in South
    assert cover.cover_user == "Oona Manager"

    assert _link(services, world.om2, case.offender_id) is Link.COVER
    rec = open_case(services, world.om2, case.offender_id)
    assert rec.reference == case.reference
    with services.session_factory() as s:
        opening = s.query(m.Consultation).filter_by(user_id=world.om2.user_id).one()
    assert (opening.link, opening.review_sign_off_id) == ("cover", None)  # inside the link: not reviewed
    caseload.add_alias(services, world.om2, case.offender_id, "Al Dous")
    assert any(e.summary == "Alias: Al Dous"
               for e in caseload.reload_record(services, world.om2, case.offender_id).sections["identity"])

    [visit] = [r for r in reminders.scan(services, world.om2, days_ahead=30).items if r.what == "Home visit"]
    assert (visit.offender_id, visit.covering_for) == (case.offender_id, "Olly Manager")
    [row] = [r for r in caseload.list_caseload(services, world.om2, CaseloadScope.MINE)
             if r.offender_id == case.offender_id]
    assert "Covering for Olly Manager" in row.flags and row.offender_manager == "Olly Manager"
    # Not the team: another North case, not Olly's, stays outside the cover's link.
    other = _case(services, world.supervisor, "Other")
    assert _link(services, world.om2, other.offender_id) is Link.NONE
    assert other.offender_id not in {r.offender_id for r in caseload.list_caseload(services, world.om2,
                                                                                   CaseloadScope.MINE)}
    with services.session_factory() as s:
        listed = set(s.scalars(m.Offender.__table__.select().with_only_columns(m.Offender.id)
                               .where(access.visible_cases(s, world.om2, clock.today()))))
    assert case.offender_id in listed and other.offender_id not in listed

    # The absent officer's own standing is unchanged, and nothing of theirs is marked covered.
    assert _link(services, world.om, case.offender_id) is Link.OWN
    [own] = [r for r in caseload.list_caseload(services, world.om, CaseloadScope.MINE)
             if r.offender_id == case.offender_id]
    assert not any(f.startswith("Covering") for f in own.flags)
    assert all(not r.covering_for for r in reminders.scan(services, world.om, days_ahead=30).items)


def _cover_is_gone(services, world, case):
    assert _link(services, world.om2, case.offender_id) is Link.NONE
    assert not any(r.offender_id == case.offender_id
                   for r in reminders.scan(services, world.om2, days_ahead=30).items)
    assert case.offender_id not in {r.offender_id for r in caseload.list_caseload(services, world.om2,
                                                                                  CaseloadScope.MINE)}
    with pytest.raises(PermissionDenied):
        caseload.add_alias(services, world.om2, case.offender_id, "After the cover")
    # The opening made while covering no longer covers a read: outside the link it takes a new one.
    with pytest.raises(NeedsReason):
        caseload.reload_record(services, world.om2, case.offender_id)
    assert _link(services, world.om, case.offender_id) is Link.OWN
    caseload.add_alias(services, world.om, case.offender_id, "Back at work")


def test_cover_from_another_team_ends_on_its_last_day(services, world, clock):
    case = _case(services, world.om, "Aldous")
    _cover(services, world.supervisor, world.om, world.om2, clock, days=5)
    open_case(services, world.om2, case.offender_id)
    clock.current = clock.current + timedelta(days=5)
    assert _link(services, world.om2, case.offender_id) is Link.COVER  # the last day is covered
    clock.current = clock.current + timedelta(days=1)
    _cover_is_gone(services, world, case)


def test_cover_from_another_team_ends_when_voided(services, world, clock):
    case = _case(services, world.om, "Aldous")
    cover = _cover(services, world.supervisor, world.om, world.om2, clock)
    open_case(services, world.om2, case.offender_id)
    with services.session_factory.begin() as s:
        s.execute(update(m.CoverArrangement).where(m.CoverArrangement.id == cover.cover_id)
                  .values(voided_at=clock.now()))
    _cover_is_gone(services, world, case)


def test_the_cover_may_be_chosen_from_any_team(services, world, clock):
    choices = caseload_cover.caseload_cover_choices(services, world.supervisor)
    assert {o.name for o in choices.absentees} == {"Nat Newstarter", "Olly Manager"}  # the team's only
    covers = {o.name: o.team for o in choices.covers}
    assert covers["Oona Manager"] == "South" and covers["Sam Supervisor"] == "North"


def _audit_rows(services, action):
    import json

    with services.session_factory() as s:
        rows = s.query(m.AuditEvent).filter(m.AuditEvent.action == action).order_by(m.AuditEvent.id).all()
        return [(r.username, r.entity_id, r.reason, json.loads(r.details_json or "{}")) for r in rows]


def test_a_cover_that_has_run_ends_from_today_and_keeps_the_days_it_ran(services, world, clock):
    case = _case(services, world.om, "Aldous")
    cover = _cover(services, world.supervisor, world.om, world.om2, clock, days=10)
    open_case(services, world.om2, case.offender_id)
    clock.current = clock.current + timedelta(days=3)  # back early, on the fourth day
    today = clock.today()
    ended = caseload_cover.end_caseload_cover(services, world.supervisor, cover.cover_id,
                                              "Olly came back from leave early, on Thursday")
    assert ended.outcome == "ended"
    assert (ended.cover.starts_on, ended.cover.ends_on) == (cover.starts_on, today - timedelta(days=1))
    _cover_is_gone(services, world, case)
    assert caseload_cover.caseload_covers(services, world.supervisor) == []
    with services.session_factory() as s:
        absence = s.get(m.Absence, cover.absence_id)
        assert (absence.starts_on, absence.ends_on, absence.voided_at) == (cover.starts_on, today - timedelta(days=1),
                                                                           None)
    [(who, cover_id, reason, details)] = _audit_rows(services, caseload_cover.END_ACTION)
    assert (who, cover_id, reason) == ("sup", cover.cover_id, "Olly came back from leave early, on Thursday")
    assert details["outcome"] == "ended"
    assert details["before"] == {"from": cover.starts_on.isoformat(), "to": cover.ends_on.isoformat()}
    assert details["after"]["to"] == (today - timedelta(days=1)).isoformat()
    with pytest.raises(ValidationFailed) as again:  # nothing left to end
        caseload_cover.end_caseload_cover(services, world.supervisor, cover.cover_id, "Ending it a second time here")
    assert again.value.for_field("cover_id")


def test_a_cover_not_yet_begun_or_begun_today_is_voided(services, world, clock):
    case = _case(services, world.om, "Aldous")
    cover = _cover(services, world.supervisor, world.om, world.om2, clock)  # from today
    open_case(services, world.om2, case.offender_id)
    ended = caseload_cover.end_caseload_cover(services, world.lead, cover.cover_id,
                                              "The wrong officer was named for cover")
    assert ended.outcome == "cancelled"
    _cover_is_gone(services, world, case)
    with services.session_factory() as s:
        assert s.get(m.CoverArrangement, cover.cover_id).voided_at is not None
        assert s.get(m.Absence, cover.absence_id).voided_at is not None
    [(who, _id, _reason, details)] = _audit_rows(services, caseload_cover.END_ACTION)
    assert who == "lead" and details["outcome"] == "cancelled"


def test_ending_a_cover_needs_a_reason_and_the_right_to_name_it(services, world, clock):
    cover = _cover(services, world.supervisor, world.om, world.om2, clock)
    with pytest.raises(ValidationFailed) as no_reason:
        caseload_cover.end_caseload_cover(services, world.supervisor, cover.cover_id, "noted")
    assert no_reason.value.for_field("reason")
    with pytest.raises(PermissionDenied):
        caseload_cover.end_caseload_cover(services, world.om, cover.cover_id, "I am back from leave now")
    south = _officer(services, clock, world.team2_id, name="Sid South", username="sup.south", role=Role.SUPERVISOR)
    with pytest.raises(NotFound):  # another team's supervisor: not theirs to end, nor to know of
        caseload_cover.end_caseload_cover(services, south, cover.cover_id, "Ending another team's cover")
    with pytest.raises(NotFound):
        caseload_cover.end_caseload_cover(services, world.supervisor, 999_999, "A cover that is not there")
    assert [c.cover_id for c in caseload_cover.caseload_covers(services, world.supervisor)] == [cover.cover_id]
    assert _audit_rows(services, caseload_cover.END_ACTION) == []
