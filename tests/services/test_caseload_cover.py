"""An offender manager's absence names a covering officer: their cases' reminders go to that
officer while it runs, and that officer may write to the cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rso_manager import reminders
from rso_manager.services import caseload, caseload_cover, supervision
from rso_manager.services.errors import PermissionDenied, ValidationFailed
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
            (world.om, world.om2, "cover_user_id", "team"),  # from another team
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
