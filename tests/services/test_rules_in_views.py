"""Rules the screens used to work out for themselves, now carried by the views (issue #13)."""

from datetime import UTC, date, datetime, time, timedelta

from rso_manager.domain.notification_period import DisposalKind
from rso_manager.domain.notification_requirement import in_force
from rso_manager.services import caseload, visits
from rso_manager.services import notifications as nt
from rso_manager.services.caseload import OffenderDraft
from rso_manager.services.visits import VisitInput
from tests.opening import open_case


def _offender(services, world) -> int:
    return caseload.create_offender(services, world.om, OffenderDraft(
        surname="Viewrule", forenames="Test", date_of_birth=date(1970, 5, 5),
        offender_manager_id=world.om.user_id, team_id=world.team_id)).offender_id


def test_requirement_in_force_rule():
    today = date(2026, 11, 25)
    assert in_force(True, None, today)                      # indefinite
    assert in_force(False, None, today)                     # waiting on the sentence
    assert in_force(False, today, today)                    # its last day
    assert not in_force(False, date(2026, 11, 24), today)   # ended yesterday


def test_requirement_view_says_whether_it_is_in_force_on_the_day(services, world):
    oid = _offender(services, world)
    nt.record_conviction(services, world.om, oid, nt.ConvictionInput(
        court="Northam Crown Court", convicted_on=date(2026, 11, 24), offence="Sexual assault (s.3)",
        disposal=DisposalKind.IMPRISONMENT, sentence_months=12, source="court_list"))
    open_case(services, world.om, oid)
    (now,) = nt.notifications_for(services, world.om, oid).requirements
    assert now.ends_on == date(2036, 11, 23) and now.in_force
    (later,) = nt.notifications_for(services, world.om, oid, as_of=date(2036, 11, 24)).requirements
    assert not later.in_force


def test_visit_views_carry_days_overdue(services, world, clock):
    oid = _offender(services, world)
    visits.record_risk_assessment(services, world.om, oid, tool="RM2000", level="high",
                                  assessed_on=date(2026, 11, 20))
    visits.record_visit(services, world.om, VisitInput(
        offender_id=oid, visited_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), outcome="seen",
        officer_ids=(world.om.user_id, world.supervisor.user_id)))
    open_case(services, world.om, oid)
    assert visits.visit_defaults(services, world.om, oid).days_overdue == 0
    assert visits.risk_plan_view(services, world.om, oid).days_overdue == 0
    due = visits.visit_defaults(services, world.om, oid).window.latest
    clock.current = datetime.combine(due + timedelta(days=3), time(10), tzinfo=UTC)
    open_case(services, world.om, oid)
    assert visits.visit_defaults(services, world.om, oid).days_overdue == 3
    assert visits.risk_plan_view(services, world.om, oid).days_overdue == 3
