from datetime import UTC, date, datetime

from rso_manager import reminders
from rso_manager.services import caseload, visits
from rso_manager.services.caseload import OffenderDraft


def test_scan_lists_due_and_overdue_for_the_users_caseload(services, world, clock):
    def offender(name, manager):
        return caseload.create_offender(services, manager, OffenderDraft(
            surname=name, forenames="Test", date_of_birth=date(1970, 1, 1),
            offender_manager_id=manager.user_id, team_id=manager.team_id)).offender_id

    overdue = offender("Overdue", world.om)
    visits.record_visit(services, world.om, visits.VisitInput(
        overdue, datetime(2026, 9, 1, 18, tzinfo=UTC), "seen", officer_ids=(world.om.user_id, world.supervisor.user_id)))
    fresh = offender("Fresh", world.om)            # first visit due within 10 working days: not within 7 days
    offender("Elsewhere", world.om2)               # another team's case never shows
    digest = reminders.scan(services, world.om, days_ahead=7)
    assert [(r.offender_id, r.what, r.overdue) for r in digest.items] == [(overdue, "Home visit", True)]
    # The supervisor sees the team's cases; a week later the new case is due too.
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    digest = reminders.scan(services, world.supervisor, days_ahead=7)
    assert {r.offender_id for r in digest.items} == {overdue, fresh}
    assert digest.overdue == 1 and digest.due_soon == 1
    assert "overdue since" in digest.items[0].text
    assert reminders.scan(services, world.admin).items == ()
