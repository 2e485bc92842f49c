"""The demo's cases are worked out by the rules in domain/, not a copy of them (issue #13)."""

from sqlalchemy import select

from rso_manager import demo
from rso_manager.database import open_database
from rso_manager.persistence import models as m
from rso_manager.services import settings
from rso_manager.services.notifications.requirements import period_for


def test_requirements_and_plan_intervals_are_those_the_services_work_out(tmp_path, clock):
    engine, services = open_database(f"sqlite:///{tmp_path / 'demo.db'}", clock)
    try:
        demo.generate(services, offenders=40, seed=3)
        with services.session_factory() as s:
            policy = settings.visit_policy(s)
            rows = s.execute(select(m.NotificationRequirement, m.Conviction, m.Offender)
                             .join(m.Conviction, m.Conviction.id == m.NotificationRequirement.conviction_id)
                             .join(m.Offender, m.Offender.id == m.Conviction.offender_id)).all()
            assert len(rows) == 40
            for r, c, o in rows:
                p = period_for(s, c, o.date_of_birth)
                assert (r.ends_on, r.indefinite, r.basis) == (p.end, p.indefinite, p.explanation)
            for plan, level in s.execute(select(m.RiskManagementPlan.visit_interval_months, m.Offender.risk_level)
                                         .join(m.Offender, m.Offender.id == m.RiskManagementPlan.offender_id)):
                assert plan == policy.interval_months[level]
    finally:
        engine.dispose()
